/**
 * Accounts: argon2id password hashes (OWASP parameters), random session and reset tokens stored only as SHA-256
 * hashes, CSRF tokens bound to the session, lockout after repeated failures per account and source address, a
 * password rule with a list of common passwords.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { dictionary } from "@zxcvbn-ts/language-common";
import argon2 from "argon2";

/** OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane. */
const ARGON2 = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, ARGON2);

/** Argon2 verifications so far (tests check that every sign-in answer costs exactly one, whatever the account). */
export let passwordChecks = 0;

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  passwordChecks++;
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

/** Failed sign-ins (per account and source address) before that pair locks, and for how long. */
export const LOCKOUT = { attempts: 5, minutes: 15 } as const;

/** The minimum length of a password (NIST SP 800-63B allows 8; the clinic asks for 12). */
export const PASSWORD_MIN = 12;

let common: ReadonlySet<string> | null = null;
/** The 49k most common passwords of the zxcvbn-ts project (@zxcvbn-ts/language-common), lower case. */
function commonPasswords(): ReadonlySet<string> {
  return (common ??= new Set(
    (dictionary as Record<string, readonly string[]>)["passwords-common"].map((p) => p.toLowerCase()),
  ));
}

/**
 * Password rule: at least 12 characters, not all the same character, not one of the common passwords (ignoring
 * case, surrounding spaces and a trailing run of digits or punctuation: "Password1234!" is "password").
 */
export function passwordProblem(p: string): string | null {
  if ([...p].length < PASSWORD_MIN) return `must have at least ${PASSWORD_MIN} characters`;
  if (new Set(p).size === 1) return "must not be one character repeated";
  const bare = p.trim().toLowerCase();
  const stem = bare.replace(/[\d\W_]+$/u, "");
  if (commonPasswords().has(bare) || (stem.length >= 4 && commonPasswords().has(stem)))
    return "is one of the most common passwords: choose another";
  return null;
}
