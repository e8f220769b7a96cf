// imapflow, a real client, against the real imapd through the inetd
// harness: STARTTLS and LOGIN, list, open, fetch envelope, body structure
// and source, append (byte for byte back), flags, search, move, IDLE
// pushing another session's mail, logout.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ImapFlow } from 'imapflow';
import { startInetd } from '../helpers/inetd';
import { requireRoot } from '../helpers/require';
import { MailHome } from '../protocol/imap/mail-home';

const PASSWORD = 'flow-secret';
const SCRIPTS = join(__dirname, '..', 'protocol', 'imap', 'scripts');

function client(port: number): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    auth: { user: 'demo', pass: PASSWORD },
    tls: { rejectUnauthorized: false },
    logger: false,
  });
}

const MESSAGE = Buffer.from(
  'From: Flow <flow@example.com>\r\nTo: demo@example.org\r\nSubject: =?UTF-8?Q?gr=C3=BC=C3=9Fe?=\r\nMessage-ID: <flow-1@example.com>\r\n' +
    'Date: Tue, 2 Jan 2024 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n' +
    '--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße, and a tab\there.\r\n' +
    '--b1\r\nContent-Type: application/octet-stream; name="x.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQF\r\n--b1--\r\n',
  'utf8',
);

describe('imapd with imapflow', () => {
  it('serves a whole client session', async (t) => {
    if (!requireRoot(t)) return;
    const home = new MailHome({}, { passwords: { demo: PASSWORD }, certificate: true });
    home.install(join(SCRIPTS, 'select.mbox'), undefined, 'demo');
    const server = await startInetd('imapd', { env: home.env });
    const flow = client(server.port);
    try {
      await flow.connect();
      assert.equal(flow.secureConnection, true, 'upgraded with STARTTLS');

      await flow.mailboxCreate('Archive');
      const names = (await flow.list()).map((entry) => entry.path).sort();
      assert.deepEqual(names, ['Archive', 'INBOX']);

      const mailbox = await flow.mailboxOpen('INBOX');
      assert.equal(mailbox.exists, 5);
      const envelopes = [];
      for await (const message of flow.fetch('1:*', { uid: true, envelope: true, bodyStructure: true, flags: true })) envelopes.push(message);
      assert.deepEqual(envelopes.map((message) => message.envelope?.subject), ['message 1', 'message 2', 'message 3', 'message 4', 'message 5']);
      assert.equal(envelopes[1]?.flags?.has('\\Flagged'), true);
      assert.equal(envelopes[0]?.bodyStructure?.type, 'text/plain');

      const appended = await flow.append('INBOX', MESSAGE, ['\\Seen', 'Project'], new Date('2024-01-02T09:00:00Z'));
      assert.ok(appended && appended.uid === 6, 'APPENDUID gives the new UID');
      const fetched = await flow.fetchOne(String(appended.uid), { source: true, bodyStructure: true, internalDate: true, flags: true }, { uid: true });
      assert.ok(fetched);
      assert.ok(fetched.source?.equals(MESSAGE), 'source comes back byte for byte');
      assert.equal(fetched.bodyStructure?.type, 'multipart/mixed');
      assert.equal((fetched.internalDate as Date).toISOString(), '2024-01-02T09:00:00.000Z');
      assert.deepEqual([...(fetched.flags ?? [])].sort(), ['Project', '\\Recent', '\\Seen']);

      await flow.messageFlagsAdd('3:4', ['\\Answered']);
      await flow.messageFlagsRemove('2', ['\\Seen']);
      assert.deepEqual(await flow.search({ seen: false }), [2, 3, 4, 5]);
      assert.deepEqual(await flow.search({ answered: true }), [3, 4]);

      const moved = await flow.messageMove('1:2', 'Archive');
      assert.ok(moved);
      assert.equal(moved.destination, 'Archive');
      assert.equal(flow.mailbox && flow.mailbox.exists, 4);
      const archive = await flow.status('Archive', { messages: true, uidNext: true });
      assert.equal(archive && archive.messages, 2);

      // IDLE: another session's new mail reaches this one without polling commands.
      const arrived = new Promise<number>((resolve) => flow.on('exists', (update: { count: number }) => resolve(update.count)));
      const other = client(server.port);
      await other.connect();
      await other.append('INBOX', Buffer.from('Subject: pushed\r\n\r\nhi\r\n'));
      await other.logout();
      assert.equal(await arrived, 5);

      await flow.logout();
    } finally {
      flow.close();
      await server.close();
      home.remove();
    }
  });
});
