// mbsync (isync), a synchronising client, against the real imapd through
// the inetd harness: STARTTLS with the server's certificate, CRAM-MD5, a
// full pull into a Maildir, a folder created and filled from the local
// side, and local flag changes and deletions carried back to the server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { finished, startInetd } from '../helpers/inetd';
import { requireProgram, requireRoot } from '../helpers/require';
import { MailHome } from '../protocol/imap/mail-home';

const FIXTURE = join(__dirname, '..', 'protocol', 'imap', 'scripts', 'select.mbox');
const SENT = Buffer.from('From: demo@example.org\r\nSubject: sent locally\r\nMessage-ID: <local-1@example.org>\r\n\r\nhello\r\n');

function configuration(home: MailHome, port: number, maildir: string): string {
  return [
    'IMAPAccount test', 'Host localhost', `Port ${port}`, 'User demo', 'Pass sync-pw', 'SSLType STARTTLS',
    `CertificateFile ${join(home.root, 'certs', 'imapd.pem')}`, '',
    'IMAPStore remote', 'Account test', '',
    'MaildirStore local', `Path ${maildir}/`, `Inbox ${maildir}/INBOX`, 'SubFolders Verbatim', '',
    'Channel sync', 'Far :remote:', 'Near :local:', 'Patterns *', 'Create Both', 'Expunge Both', 'SyncState *', '',
  ].join('\n');
}

describe('imapd with mbsync', () => {
  it('synchronises both ways', async (t) => {
    if (!requireRoot(t) || !requireProgram(t, '/usr/bin/mbsync', 'isync')) return;
    const home = new MailHome({}, { passwords: { demo: 'sync-pw' }, certificate: true });
    home.install(FIXTURE, undefined, 'demo');
    const server = await startInetd('imapd', { env: home.env });
    const maildir = join(home.root, 'maildir');
    mkdirSync(maildir);
    const rc = join(home.root, 'mbsyncrc');
    writeFileSync(rc, configuration(home, server.port, maildir));
    const sync = async (): Promise<void> => {
      const { code, stdout, stderr } = await finished(spawn('mbsync', ['-c', rc, '-a'], { env: { ...process.env, HOME: home.root } }));
      assert.equal(code, 0, `${stdout}\n${stderr}`);
    };
    const inbox = (): string[] => ['cur', 'new'].flatMap((sub) => readdirSync(join(maildir, 'INBOX', sub)).map((name) => join(maildir, 'INBOX', sub, name)));
    try {
      await sync();
      const pulled = inbox();
      assert.equal(pulled.length, 5);
      const bodies = pulled.map((path) => readFileSync(path, 'latin1')).sort();
      assert.match(bodies.join(''), /Subject: message 1[\s\S]*Subject: message 5/);

      for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, 'Sent', sub), { recursive: true });
      writeFileSync(join(maildir, 'Sent', 'cur', '1700000000.1.host:2,S'), SENT);
      const first = pulled.find((path) => readFileSync(path, 'latin1').includes('Subject: message 1')) ?? '';
      const third = pulled.find((path) => readFileSync(path, 'latin1').includes('Subject: message 3')) ?? '';
      renameSync(first, `${first.replace(/:2,.*$/, '')}:2,FS`.replace('/new/', '/cur/'));
      renameSync(third, `${third.replace(/:2,.*$/, '')}:2,ST`.replace('/new/', '/cur/'));
      await sync();

      const sent = readFileSync(join(home.home, 'Sent'), 'latin1');
      assert.match(sent, /^Subject: sent locally\nMessage-ID: <local-1@example.org>\n/m, 'the local message reached the server');
      const remote = readFileSync(home.inboxOf('demo'), 'latin1');
      assert.doesNotMatch(remote, /Subject: message 3/, 'the locally deleted message was expunged');
      const message1 = remote.slice(remote.indexOf('Subject: message 1'), remote.indexOf('Body of message 1'));
      assert.match(message1, /^X-Status: .*F/m, 'the local \\Flagged reached the server');
    } finally {
      await server.close();
      home.remove();
    }
  });
});
