// Every executable's --help and its manual page name the same options, in
// the OPTIONS section and in the SYNOPSIS, so the two never drift apart.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, ROOT, binPath } from '../helpers/paths';
import { documentedFlags, helpOptions, pageSource, synopsisFlags } from '../unit/man/manpage';

const packageJson = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { bin?: Record<string, string> };

/** The executables: package.json "bin" plus the executable files in bin/ (not its helper modules). */
function executables(): string[] {
  const inBin = readdirSync(BIN).filter((name) => (statSync(binPath(name)).mode & 0o111) !== 0);
  return [...new Set([...Object.keys(packageJson.bin ?? {}), ...inBin])].sort();
}

function help(program: string): string {
  const result = spawnSync(binPath(program), ['--help'], { encoding: 'utf8', timeout: 20000 });
  assert.equal(result.status, 0, `${program} --help exited with ${result.status}: ${result.stderr}`);
  return result.stdout;
}

describe('--help and the manual pages agree', () => {
  for (const program of executables()) {
    it(`${program} --help lists exactly the options of man/${program}.8`, () => {
      const page = `${program}.8`;
      assert.ok(existsSync(resolve(ROOT, 'man', page)), `man/${page} is missing`);
      const options = helpOptions(help(program));
      const fromHelp = options.flat().sort();
      assert.ok(fromHelp.includes('--help'), `${program} --help shows no option list`);
      const source = pageSource(page);
      assert.deepEqual(documentedFlags(source), fromHelp, `OPTIONS of man/${page} (left) against --help (right)`);
      const synopsis = synopsisFlags(source);
      assert.deepEqual(synopsis.filter((flag) => !fromHelp.includes(flag)), [], `SYNOPSIS of man/${page} shows options --help lacks`);
      const absent = options.filter((flags) => !flags.some((flag) => synopsis.includes(flag)));
      assert.deepEqual(absent, [], `SYNOPSIS of man/${page} lacks options that --help lists`);
    });
  }
});
