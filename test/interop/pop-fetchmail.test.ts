// fetchmail (Debian package) downloads from the real bin/ipop3d through the
// inetd harness into an mbox, in keep mode (UIDLs remembered, a second run
// fetches nothing, the server keeps everything) and in delete mode (the
// spool is emptied at QUIT). The mbox must hold exactly what was delivered.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { requireProgram, requireRoot } from '../helpers/require';
import { MESSAGES, PASSWORD, USER, withPop } from '../protocol/pop3/pop-home';

const FETCHMAIL = '/usr/bin/fetchmail';
const FROM_LINE = 'From fetchmail@localhost Mon Jan  1 00:00:00 2024';

interface Run {
  readonly status: number | null;
  readonly output: string;
}

/** Runs fetchmail with a 0600 rcfile; the MDA appends each message to `mbox` with a From_ line. */
function fetchmail(directory: string, port: number, options: { keep: boolean; implicitTls: boolean }): Promise<Run> {
  const mda = join(directory, 'deliver');
  writeFileSync(mda, `#!/bin/sh\n{ echo '${FROM_LINE}'; cat; echo; } >> '${join(directory, 'mbox')}'\n`, { mode: 0o700 });
  const rcfile = join(directory, 'fetchmailrc');
  writeFileSync(
    rcfile,
    [
      'set no bouncemail',
      `poll 127.0.0.1 service ${port} protocol pop3 uidl auth password`,
      `  user "${USER}" there with password "${PASSWORD}" is root here`,
      // The test certificate is self-signed: encryption yes, verification no.
      `  ${options.implicitTls ? 'ssl ' : ''}no sslcertck`,
      `  ${options.keep ? 'keep' : 'no keep'}`,
      `  mda "${mda}"`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const args = ['-f', rcfile, '-i', join(directory, 'fetchids'), '--invisible', '--norewrite', '--nosyslog', '-v'];
  return new Promise((resolve) => {
    // Asynchronously: the harness serving the connection runs in this process.
    const child = spawn(FETCHMAIL, args, { env: { ...process.env, HOME: directory }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** The messages of the mbox the MDA wrote, in order. */
function mboxMessages(directory: string): string[] {
  const path = join(directory, 'mbox');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split(`${FROM_LINE}\n`)
    .slice(1)
    .map((entry) => entry.replace(/\n$/, ''));
}

function subjects(text: string): string[] {
  return [...text.matchAll(/^Subject: (.*)$/gm)].map((match) => match[1] ?? '').filter((subject) => !subject.startsWith("DON'T DELETE"));
}

async function inScratch(body: (directory: string) => Promise<void>): Promise<void> {
  const directory = mkdtempSync('/tmp/fetchmail-test-');
  try {
    await body(directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describe('fetchmail against ipop3d', () => {
  it('keep mode over STLS: everything once, nothing the second time, the server keeps it all', async (t) => {
    if (!requireRoot(t) || !requireProgram(t, FETCHMAIL, 'fetchmail')) return;
    await withPop({}, async (server, home) => {
      home.deliver(...MESSAGES);
      await inScratch(async (directory) => {
        const first = await fetchmail(directory, server.port, { keep: true, implicitTls: false });
        assert.equal(first.status, 0, first.output);
        assert.match(first.output, /upgrade to TLS succeeded/);
        assert.deepEqual(mboxMessages(directory), MESSAGES, 'the mbox holds exactly what was delivered');
        const second = await fetchmail(directory, server.port, { keep: true, implicitTls: false });
        assert.equal(second.status, 1, `1 means no new mail: ${second.output}`);
        assert.equal(mboxMessages(directory).length, MESSAGES.length);
        assert.deepEqual(subjects(home.spoolText()), MESSAGES.map((message) => /^Subject: (.*)$/m.exec(message)?.[1]));

        home.deliver('From: Eve <eve@example.org>\nSubject: later\n\nnew mail\n');
        const third = await fetchmail(directory, server.port, { keep: true, implicitTls: false });
        assert.equal(third.status, 0, third.output);
        assert.deepEqual(mboxMessages(directory).at(-1), 'From: Eve <eve@example.org>\nSubject: later\n\nnew mail\n');
      });
    });
  });

  it('delete mode over implicit TLS: everything once, and the spool is emptied', async (t) => {
    if (!requireRoot(t) || !requireProgram(t, FETCHMAIL, 'fetchmail')) return;
    await withPop(
      {},
      async (server, home) => {
        home.deliver(...MESSAGES);
        await inScratch(async (directory) => {
          const run = await fetchmail(directory, server.port, { keep: false, implicitTls: true });
          assert.equal(run.status, 0, run.output);
          assert.deepEqual(mboxMessages(directory), MESSAGES);
          assert.deepEqual(subjects(home.spoolText()), []);
          const again = await fetchmail(directory, server.port, { keep: false, implicitTls: true });
          assert.equal(again.status, 1, again.output);
          assert.equal(mboxMessages(directory).length, MESSAGES.length);
        });
      },
      'ipop3d',
      ['--tls'],
    );
  });
});
