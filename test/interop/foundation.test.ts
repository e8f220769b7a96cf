// The executables greet and answer over a pipe and through the inetd
// harness, and nothing ever reaches fd 2.
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ScriptClient } from '../helpers/client';
import { finished, spawnPiped, startInetd } from '../helpers/inetd';

describe('foundation', () => {
  it('imapd answers CAPABILITY and LOGOUT over a pipe', async () => {
    const child = spawnPiped('imapd');
    child.stdin.end('a CAPABILITY\r\nb LOGOUT\r\n');
    const { stdout, stderr, code } = await finished(child);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    assert.match(stdout, /^\* (OK|PREAUTH) /);
    assert.match(stdout, /\r\n\* CAPABILITY IMAP4rev1[^\r\n]*\r\na OK/);
    assert.match(stdout, /\r\nb OK LOGOUT completed\r\n$/);
    assert.doesNotMatch(stdout.replace(/\r\n/g, ''), /\n/, 'every line ends in CRLF');
  });

  it('imapd accepts bare LF line ends', async () => {
    const child = spawnPiped('imapd');
    child.stdin.end('a NOOP\nb LOGOUT\n');
    const { stdout } = await finished(child);
    assert.match(stdout, /\r\na OK NOOP completed\r\n/);
  });

  it('imapd and ipop3d serve through the inetd harness over TCP', async () => {
    const imap = await startInetd('imapd');
    const pop = await startInetd('ipop3d');
    try {
      const client = await ScriptClient.connect(imap.port);
      assert.match((await client.line()) ?? '', /^\* (OK|PREAUTH) /);
      const caps = await client.command('a', 'CAPABILITY');
      assert.match(caps[0] ?? '', /^\* CAPABILITY IMAP4rev1/);
      assert.equal((await client.command('b', 'LOGOUT')).at(-1), 'b OK LOGOUT completed');
      await client.closedByServer();

      const popClient = await ScriptClient.connect(pop.port);
      assert.match((await popClient.line()) ?? '', /^\+OK /);
      popClient.send('QUIT');
      assert.match((await popClient.line()) ?? '', /^\+OK/);
      await popClient.closedByServer();
    } finally {
      await imap.close();
      await pop.close();
    }
    assert.deepEqual(await imap.exitCodes(), [0]);
    assert.deepEqual(await pop.exitCodes(), [0]);
  });

  it('a client that disconnects ends the process promptly', async () => {
    const imap = await startInetd('imapd');
    try {
      const client = await ScriptClient.connect(imap.port);
      await client.line();
      client.close();
      const started = Date.now();
      await imap.close(10000);
      assert.ok(Date.now() - started < 5000);
      assert.equal(imap.children.size, 0);
    } finally {
      await imap.close();
    }
  });
});

describe('fd 2', () => {
  it('is /dev/null in a running server, so nothing can reach the client through it', async () => {
    const imap = await startInetd('imapd');
    try {
      const client = await ScriptClient.connect(imap.port);
      await client.line();
      const [child] = [...imap.children];
      assert.ok(child?.pid);
      assert.equal(readlinkSync(`/proc/${child.pid}/fd/2`), '/dev/null');
      assert.match(readlinkSync(`/proc/${child.pid}/fd/0`), /^socket:/);
      await client.command('z', 'LOGOUT');
    } finally {
      await imap.close();
    }
  });

  it('stays empty over pipes through hostile input', async () => {
    const child = spawnPiped('imapd');
    child.stdin.end(Buffer.concat([Buffer.from('a NOOP\r\n\0\xff\xfe garbage {99999999999}\r\n'), Buffer.alloc(70000, 0x41), Buffer.from('\r\nb LOGOUT\r\n')]));
    const { stderr } = await finished(child);
    assert.equal(stderr, '');
  });
});
