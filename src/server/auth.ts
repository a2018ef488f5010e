/**
 * Accounts: argon2id password hashes (OWASP parameters), random session and reset tokens stored only as SHA-256
 * hashes, CSRF tokens bound to the session, login lockout after repeated failures.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import argon2 from "argon2";

/** OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane. */
const ARGON2 = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, ARGON2);

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A random token (256 bits, base64url) and its SHA-256, the only form the database keeps. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: tokenHash(token) };
}

export const tokenHash = (token: string): string => createHash("sha256").update(token).digest("hex");

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Failed logins before the account locks, and for how long. */
export const LOCKOUT = { attempts: 5, minutes: 15 } as const;

/** Password rule: at least 10 characters, not only digits. */
export function passwordProblem(p: string): string | null {
  if (p.length < 10) return "must have at least 10 characters";
  if (/^\d+$/.test(p)) return "must not be only digits";
  return null;
}
