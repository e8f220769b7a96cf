// Tests that need root or system packages skip with a reason on a developer
// machine. Under CI=true a skip is a failure: CI runs as root with every
// package installed and must run everything.
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';

export const IS_CI = process.env.CI === 'true';
export const IS_ROOT = process.getuid?.() === 0;

/** Returns true when the test may run; otherwise skips it (or fails under CI). */
export function requireThat(t: TestContext, condition: boolean, reason: string): boolean {
  if (condition) return true;
  if (IS_CI) throw new Error(`required under CI but unavailable: ${reason}`);
  t.skip(reason);
  return false;
}

export function requireRoot(t: TestContext): boolean {
  return requireThat(t, IS_ROOT, 'needs root (run as root, as CI does)');
}

/**
 * The `skip` option of a describe block whose every test needs root: a
 * reason on a developer machine, false as root; under CI a non-root run
 * fails here instead of skipping.
 */
export function rootSuiteSkip(): string | false {
  if (IS_ROOT) return false;
  if (IS_CI) throw new Error('required under CI but unavailable: needs root (run as root, as CI does)');
  return 'needs root (run as root, as CI does)';
}

export function requireProgram(t: TestContext, path: string, debianPackage: string): boolean {
  return requireThat(t, existsSync(path), `needs ${path} (Debian package ${debianPackage})`);
}
