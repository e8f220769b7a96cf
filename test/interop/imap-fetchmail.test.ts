// fetchmail, the guide's mail-retrieval client, against the real imapd
// through the inetd harness: STARTTLS (plaintext is refused without it),
// LOGIN, every message fetched and handed to an MDA, then flagged and
// expunged, leaving INBOX empty.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { finished, startInetd } from '../helpers/inetd';
import { requireProgram, requireRoot } from '../helpers/require';
import { MailHome } from '../protocol/imap/mail-home';

const FIXTURE = join(__dirname, '..', 'protocol', 'imap', 'scripts', 'select.mbox');

describe('imapd with fetchmail', () => {
  it('delivers every message over STARTTLS and expunges them', async (t) => {
    if (!requireRoot(t) || !requireProgram(t, '/usr/bin/fetchmail', 'fetchmail')) return;
    const home = new MailHome({}, { passwords: { demo: 'fetch-pw' }, certificate: true });
    home.install(FIXTURE, undefined, 'demo');
    const server = await startInetd('imapd', { env: home.env });
    try {
      const rc = join(home.root, 'fetchmailrc');
      const delivered = join(home.root, 'delivered');
      writeFileSync(rc, `poll 127.0.0.1 service ${server.port} protocol IMAP user demo password fetch-pw no sslcertck mda "cat >> ${delivered}"\n`, { mode: 0o600 });
      const child = spawn('fetchmail', ['-f', rc, '-v', '--nodetach', '--all', '--nokeep', '-i', join(home.root, 'ids')], { env: { ...process.env, HOME: home.root } });
      const { code, stdout, stderr } = await finished(child);
      assert.equal(code, 0, `${stdout}\n${stderr}`);
      assert.match(stdout + stderr, /IMAP> A\d+ STARTTLS/);
      const subjects = readFileSync(delivered, 'latin1').match(/^Subject: .*$/gm);
      assert.deepEqual(subjects, ['Subject: message 1', 'Subject: message 2', 'Subject: message 3', 'Subject: message 4', 'Subject: message 5']);
      assert.doesNotMatch(readFileSync(home.inboxOf('demo'), 'latin1'), /^Subject: message/m, 'INBOX holds no message any more');
    } finally {
      await server.close();
      home.remove();
    }
  });
});
