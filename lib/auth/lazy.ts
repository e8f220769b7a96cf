// Modules that only a login needs are loaded on first use, not at start-up:
// every connection pays for what is loaded before the greeting.
import { createRequire } from 'node:module';

const load = createRequire(__filename);

export function crypto(): typeof import('node:crypto') {
  return load('node:crypto') as typeof import('node:crypto');
}

/** Compares two secrets in time independent of where they differ. */
export function sameSecret(given: string | Buffer, expected: string | Buffer): boolean {
  const { createHash, timingSafeEqual } = crypto();
  const digest = (value: string | Buffer): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
