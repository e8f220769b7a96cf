// Python's imaplib, every command it has, against the real imapd through
// the inetd harness (STARTTLS, then LOGIN; CRAM-MD5 and AUTHENTICATE on
// their own connections). The Python side is
// test/protocol/imap/imaplib-session.py; here its answers are judged.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { finished, startInetd } from '../helpers/inetd';
import { requireProgram, requireRoot } from '../helpers/require';
import { MailHome } from '../protocol/imap/mail-home';

const PROTOCOL = join(__dirname, '..', 'protocol', 'imap');
const PASSWORD = 'py-secret';
const APPENDED = Buffer.from(
  'From: Py <py@example.com>\r\nSubject: from imaplib\r\nDate: Wed, 3 Jan 2024 12:00:00 +0000\r\n\r\nBytes: \xe9\xe8 and a NUL-free body.\r\n',
  'latin1',
);

type Answer = [string, unknown[]] | string;

describe('imapd with Python imaplib', () => {
  it('answers every imaplib command correctly', async (t) => {
    if (!requireRoot(t) || !requireProgram(t, '/usr/bin/python3', 'python3')) return;
    const home = new MailHome({}, { passwords: { demo: PASSWORD }, certificate: true });
    home.install(join(PROTOCOL, 'scripts', 'select.mbox'), undefined, 'demo');
    const server = await startInetd('imapd', { env: home.env });
    let results: Record<string, Answer>;
    try {
      const child = spawn('python3', [join(PROTOCOL, 'imaplib-session.py'), String(server.port), 'demo', PASSWORD], { stdio: 'pipe' });
      const { stdout, stderr, code } = await finished(child);
      assert.equal(code, 0, stderr);
      results = JSON.parse(stdout) as Record<string, Answer>;
    } finally {
      await server.close();
      home.remove();
    }
    const ok = (name: string): unknown[] => {
      const answer = results[name];
      assert.ok(Array.isArray(answer) && answer[0] === 'OK', `${name}: ${JSON.stringify(answer)}`);
      return answer[1];
    };
    const refused = (name: string): void => assert.match(String(results[name]), /^error: .* BAD /, name);

    assert.match(String(ok('capability')[0]), /^IMAP4rev1 .*STARTTLS LOGINDISABLED AUTH=CRAM-MD5$/);
    ok('noop');
    ok('starttls');
    assert.match(String(ok('login')[0]), /^\[CAPABILITY IMAP4rev1 .*\] User demo authenticated$/);
    assert.deepEqual(ok('namespace'), ['(("" "/")) NIL NIL']);
    ok('enable');
    ok('id');
    assert.match(JSON.stringify(results['id-untagged']), /imap-uw-ts/);
    for (const name of ['create', 'create-child', 'subscribe', 'unsubscribe', 'rename', 'check', 'unselect', 'close', 'delete', 'delete-child']) ok(name);
    assert.deepEqual(ok('list'), ['(\\NoInferiors) "/" INBOX', '(\\Noselect \\HasChildren) "/" Dir', '(\\NoInferiors) "/" Dir/Sub', '(\\NoInferiors) "/" Py']);
    assert.deepEqual(ok('list-pattern'), ['(\\NoInferiors) "/" Dir/Sub']);
    assert.deepEqual(ok('lsub'), ['() "/" Py']);
    assert.match(String(ok('append')[0]), /^\[APPENDUID \d+ 6\] APPEND completed$/);
    assert.match(String(ok('status')[0]), /^INBOX \(MESSAGES 6 RECENT \d UIDNEXT 7 UIDVALIDITY \d+ UNSEEN 3\)$/);
    assert.deepEqual(ok('examine'), ['6']);
    assert.deepEqual(results['store-readonly'], ['NO', ['Mailbox is read-only']]);
    assert.deepEqual(ok('select'), ['6']);
    ok('recent');

    const [fetched] = ok('fetch') as [[string, string]];
    assert.match(fetched[0], /^6 \(FLAGS \(\\Recent \\Seen \$Py\) INTERNALDATE " 3-Jan-2024 12:00:00 \+0000" RFC822.SIZE 122 BODY\[\] \{122\}$/);
    assert.ok(Buffer.from(fetched[1], 'latin1').equals(APPENDED), 'the appended message comes back byte for byte');

    assert.deepEqual(ok('search'), ['3 4 5']);
    ok('sort');
    ok('thread');
    assert.deepEqual(ok('store'), ['1 (FLAGS (\\Seen \\Flagged))', '2 (FLAGS (\\Seen \\Flagged))']);
    assert.match(String(ok('copy')[0]), /^\[COPYUID \d+ 1:2 1:2\] COPY completed$/);
    assert.deepEqual(ok('uid-fetch'), ['6 (UID 6 FLAGS (\\Recent \\Seen $Py))']);
    assert.deepEqual(ok('uid-search'), ['1 2']);
    assert.deepEqual(ok('uid-store'), ['3 (UID 3 FLAGS (\\Recent \\Deleted))']);
    for (const name of ['uid-copy', 'uid-move', 'uid-expunge']) ok(name);
    // imaplib collects every EXPUNGE response since the last call: UID MOVE's, UID EXPUNGE's and EXPUNGE's own.
    assert.deepEqual(ok('expunge'), ['5', '3', '1']);
    assert.deepEqual(ok('select-py'), ['4']);
    for (const name of ['getquota', 'getquotaroot', 'setquota', 'getacl', 'setacl', 'deleteacl', 'myrights', 'getannotation', 'setannotation', 'proxyauth', 'partial']) refused(name);
    assert.equal(Array.isArray(results.logout) && results.logout[0], 'BYE');
    assert.match(String(ok('login_cram_md5')[0]), /User demo authenticated$/);
    assert.match(String(ok('authenticate')[0]), /User demo authenticated$/);
  });
});
