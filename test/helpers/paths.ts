import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const BIN = resolve(ROOT, 'bin');
export const FIXTURES = resolve(ROOT, '..', 'shared', 'fixtures');

export function binPath(program: string): string {
  return resolve(BIN, program);
}
