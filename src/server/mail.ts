/**
 * Messages the clinic sends (password resets, sign-up confirmations, invitations, notices). Nothing leaves the
 * machine: each message is written as a file to the mail directory (MAIL_DIR, default DATA_DIR/mail, readable by
 * the server's user only) for the clinic's mail system to pick up, and listed in the outbox table for the admins.
 * The outbox keeps the text without its one-time code (only development mode keeps the code there), so that an
 * admin who reads the outbox cannot take over an account.
 */
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { AppContext } from "./app.js";
import { outbox } from "./db/schema.js";

export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  /** The same message with its one-time code left out: what the outbox keeps outside development mode. */
  readonly redacted?: string;
}

/** Sends one message: the file for the mail system, and the outbox row. */
export async function sendMail(ctx: Pick<AppContext, "db" | "config">, m: OutgoingMail): Promise<void> {
  const dir = ctx.config.mailDir;
  if (dir) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const name = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(4).toString("hex")}.eml`;
    const text = `To: ${m.to}\r\nSubject: ${m.subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${m.body}\r\n`;
    await writeFile(path.join(dir, name), text, { mode: 0o600 });
  }
  await ctx.db.insert(outbox).values({
    toEmail: m.to,
    subject: m.subject,
    body: ctx.config.development ? m.body : (m.redacted ?? m.body),
  });
}
