/**
 * Password (and profile PIN) hashing: PBKDF2-SHA256 through WebCrypto with a
 * per-secret 16-byte random salt. workerd refuses more than 100,000 PBKDF2
 * iterations, so exactly that many are used; the count is stored with every hash
 * so it can be raised later without invalidating existing ones.
 */

/** Iterations for new hashes (workerd's maximum). */
export const PASSWORD_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

/** A stored hash: base64 of the derived key and of its salt, with the iteration count. */
export interface PasswordHash {
  hash: string;
  salt: string;
  iterations: number;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

async function derive(secret: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS));
}

/** Hashes a new password with a fresh salt. */
export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  return { hash: toBase64(await derive(password, salt, PASSWORD_ITERATIONS)), salt: toBase64(salt), iterations: PASSWORD_ITERATIONS };
}

/** Constant-time equality of two byte strings (length is not secret: both are 32-byte hashes). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  // workerd's extension of SubtleCrypto (the DOM typings in tsconfig hide it).
  return (crypto.subtle as unknown as { timingSafeEqual(a: ArrayBufferView, b: ArrayBufferView): boolean }).timingSafeEqual(a, b);
}

/** Whether `password` matches `stored`; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  let salt: Uint8Array<ArrayBuffer>;
  let expected: Uint8Array;
  try {
    salt = fromBase64(stored.salt);
    expected = fromBase64(stored.hash);
  } catch {
    return false;
  }
  if (!Number.isInteger(stored.iterations) || stored.iterations < 1 || stored.iterations > PASSWORD_ITERATIONS) return false;
  return constantTimeEqual(await derive(password, salt, stored.iterations), expected);
}

let dummy: Promise<PasswordHash> | undefined;

/**
 * Spends the same time as checking a real password, for sign-ins to e-mails
 * with no account, so response time does not reveal which e-mails exist.
 */
export async function burnPasswordCheck(password: string): Promise<false> {
  dummy ??= hashPassword("no account has this password");
  await verifyPassword(password, await dummy);
  return false;
}

/** A profile PIN hash as one column: "<iterations>:<salt>:<hash>". */
export async function hashPin(pin: string): Promise<string> {
  const h = await hashPassword(pin);
  return `${h.iterations}:${h.salt}:${h.hash}`;
}

/** Whether `pin` matches a hash made by hashPin. */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const [iterations, salt, hash] = stored.split(":");
  if (!iterations || !salt || !hash) return false;
  return verifyPassword(pin, { iterations: Number(iterations), salt, hash });
}
