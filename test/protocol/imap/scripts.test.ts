// Runs every scripts/*.imap through the real bin/imapd, pre-authenticated
// over pipes, with the .mbox of the same name as INBOX.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { finished } from '../../helpers/inetd';
import { MailHome } from './mail-home';
import { compareOutput, parseScript } from './script';

const DIRECTORY = join(__dirname, 'scripts');

describe('imapd protocol scripts', () => {
  for (const name of readdirSync(DIRECTORY).filter((file) => file.endsWith('.imap')).sort()) {
    it(name, async () => {
      const script = parseScript(readFileSync(join(DIRECTORY, name), 'utf8'));
      const home = new MailHome(script.settings);
      try {
        const mbox = join(DIRECTORY, script.mbox ?? name.replace(/\.imap$/, '.mbox'));
        if (existsSync(mbox)) home.install(mbox);
        const child = home.spawnPreauth();
        child.stdin.end(script.input);
        const { stdout, stderr } = await finished(child);
        assert.equal(stderr, '', 'nothing on fd 2');
        const lines = stdout.split('\r\n');
        assert.equal(lines.pop(), '', 'output ends with CRLF');
        const problems = compareOutput(lines, script.expected);
        assert.deepEqual(problems, [], `${name}:\n  ${problems.join('\n  ')}`);
      } finally {
        home.remove();
      }
    });
  }
});
