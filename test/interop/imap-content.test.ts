// The built imapd, pre-authenticated as an ordinary user, serving the
// reference corpus through the real mbox driver: its FETCH answer must equal
// UW imapd's byte for byte, and the content commands must work end to end.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { finished } from '../helpers/inetd';
import { FIXTURES, binPath } from '../helpers/paths';
import { requireRoot } from '../helpers/require';

const NOBODY = 65534;

async function serveCorpus(script: readonly string[]): Promise<{ lines: string[]; stderr: string }> {
  const spool = mkdtempSync(join(tmpdir(), 'imap-content-'));
  try {
    chmodSync(spool, 0o1777);
    copyFileSync(join(FIXTURES, 'corpus.mbox'), join(spool, 'nobody'));
    chownSync(join(spool, 'nobody'), NOBODY, NOBODY);
    const child = spawn(binPath('imapd'), ['--set', `spool-directory=${spool}`], { uid: NOBODY, gid: NOBODY, stdio: 'pipe', cwd: '/' });
    child.stdin.end(script.map((line) => `${line}\r\n`).join(''));
    const { stdout, stderr } = await finished(child);
    return { lines: stdout.split('\r\n'), stderr };
  } finally {
    rmSync(spool, { recursive: true, force: true });
  }
}

describe('imapd content commands on the reference corpus', () => {
  it('FETCH 1:* (UID RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE) equals UW byte for byte', async (t) => {
    if (!requireRoot(t)) return;
    const { lines, stderr } = await serveCorpus(['a EXAMINE INBOX', 'b FETCH 1:* (UID RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)', 'z LOGOUT']);
    assert.equal(stderr, '');
    const uw = readFileSync(join(FIXTURES, 'corpus.uw.fetch.txt'), 'utf8').split('\n').filter((line) => /^\* \d+ FETCH /.test(line));
    const ours = lines.filter((line) => /^\* \d+ FETCH /.test(line));
    assert.equal(ours.length, 68);
    assert.deepEqual(ours, uw);
  });

  it('SEARCH, SORT, THREAD, BODY[] and BINARY answer through the real driver', async (t) => {
    if (!requireRoot(t)) return;
    const { lines } = await serveCorpus([
      'a EXAMINE INBOX',
      'b SEARCH FROM barry SUBJECT lyrics',
      'c SEARCH RETURN (MIN MAX COUNT) CHARSET UTF-8 BODY "dingus"',
      'd SORT (REVERSE SIZE) UTF-8 LARGER 40000',
      'e THREAD REFERENCES UTF-8 SUBJECT "Limiting Perl"',
      'f FETCH 5 (BODY[3.HEADER] BINARY.SIZE[1])',
      'g FETCH 7 BINARY.SIZE[2]',
      'z LOGOUT',
    ]);
    // Each command's lines: everything after the previous tagged response, through its own.
    const answers = new Map<string, string[]>();
    let pending: string[] = [];
    for (const line of lines) {
      pending.push(line);
      const tag = /^([a-z]) (OK|NO|BAD)/.exec(line)?.[1];
      if (tag !== undefined) {
        answers.set(tag, pending);
        pending = [];
      }
    }
    const from = (tag: string): string[] | undefined => answers.get(tag);
    assert.deepEqual(from('b'), ['* SEARCH 8 9 10 12 13', 'b OK SEARCH completed']);
    assert.deepEqual(from('c'), ['* ESEARCH (TAG "c") MIN 7 MAX 14 COUNT 2', 'c OK SEARCH completed']);
    assert.deepEqual(from('d'), ['* SORT 56 59 67 62', 'd OK SORT completed']);
    assert.deepEqual(from('e'), ['* THREAD ((33)(34))', 'e OK THREAD completed']);
    assert.deepEqual(from('f'), ['* 5 FETCH (BODY[3.HEADER] {27}', 'From: nobody@python.org', '', ' BINARY.SIZE[1] 19)', 'f OK FETCH completed']);
    assert.deepEqual(from('g'), ['* 7 FETCH (BINARY.SIZE[2] 3512)', 'g OK FETCH completed']);
  });
});
