// Malformed mail through the real imapd (pre-authenticated over pipes, as an
// ssh login runs it) and the real ipop3d (under the inetd harness): a
// corpus of broken MIME (mime-corpus/messages.ts) in an mbox INBOX. Every
// message is fetched whole, by header and text, and part by part for every
// part number its BODYSTRUCTURE reports (plus some that do not exist), as
// BODY[…] and BINARY[…], then searched, sorted and threaded. Every response
// must parse strictly and every command must end OK, except BINARY of a part
// whose transfer encoding is unknown, which RFC 3516 requires to fail with
// NO [UNKNOWN-CTE]. Nesting deeper than the MIME scanner's MAX_DEPTH (100)
// is served as one opaque part, and parts past MAX_PARTS (10,000) stay in
// the last one (lib/mail/mime/README.md). Every message is also copied and
// appended to folders and read back byte for byte. The server's peak memory
// (VmHWM) is read before it logs out.
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, describe, it, type TestContext } from 'node:test';
import { MAX_DEPTH, MAX_PARTS } from '../../lib/mail/mime/structure';
import { MailHome } from '../protocol/imap/mail-home';
import { LOOPBACK_PLAINTEXT, PopClient, PopHome, startPop } from '../protocol/pop3/pop-home';
import { served, toMbox } from './mime-corpus/mbox';
import { type CorpusMessage, WORD, type WordPlace, corpusMessages } from './mime-corpus/messages';
import { type ReportedPart, decodable, reportedParts } from './mime-corpus/parts';
import { Literal8, type Response, ResponseReader, type Value, fetchItems } from './mime-corpus/response';

/** STRESS=1 makes the absurd messages 8 times larger (8 MB lines, 8,000 levels, 80,000 addresses). */
const SCALE = process.env.STRESS ? 8 : 1;
/** Longest wait for one response: longer means the server hangs. */
const RESPONSE_TIMEOUT_MS = 30_000 * SCALE;
/** The whole session must end by then, or the server is killed. */
const SESSION_KILL_MS = 150_000 * SCALE;
/** Longest FETCH command line the test builds (the server accepts 64 KB). */
const COMMAND_BUDGET = 16_000;
/** Peak memory the server may reach on this corpus (measured: about 180 MB quick, 420 MB with STRESS). */
const PEAK_RSS_LIMIT_KB = (256 + 64 * SCALE) * 1024;

const corpus = corpusMessages(SCALE);
const homes: MailHome[] = [];
after(() => {
  for (const home of homes) home.remove();
});

interface Outcome {
  readonly untagged: Response[];
  readonly done: Response;
}

/** One pre-authenticated imapd session over pipes, read strictly. */
class ImapSession {
  private readonly reader: ResponseReader;
  private tags = 0;
  commands = 0;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.reader = new ResponseReader(child.stdout);
  }

  next(): Promise<Response> {
    return this.reader.next(RESPONSE_TIMEOUT_MS);
  }

  async run(command: string | Buffer): Promise<Outcome> {
    const tag = `t${++this.tags}`;
    this.commands += 1;
    this.child.stdin.write(Buffer.concat([Buffer.from(`${tag} `), Buffer.from(command), Buffer.from('\r\n')]));
    const untagged: Response[] = [];
    for (;;) {
      const response = await this.next();
      if (response.tag === tag) return { untagged, done: response };
      if (response.tag !== '*') throw new Error(`unexpected response tag ${response.tag} to ${tag}`);
      untagged.push(response);
    }
  }
}

/** Peak resident set size of a process, in kB. */
function peakRssKb(pid: number): number {
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
}

/** IMAP4rev1 literals cannot carry NUL; the server sends 0x80 in its place. */
function withoutNul(data: Buffer): Buffer {
  return Buffer.from(data.map((byte) => (byte === 0 ? 0x80 : byte)));
}

function dataOf(value: Value | undefined): Buffer | undefined {
  if (value instanceof Literal8) return value.data;
  return Buffer.isBuffer(value) ? value : undefined;
}

/** Tallies and failures for the report. */
class Tally {
  readonly failures: string[] = [];
  fetchItems = 0;
  responseBytes = 0;
  unknownCte = 0;
  parts = 0;
  mostParts = 0;
  deepest = 0;
  appended = 0;

  fail(message: CorpusMessage, what: string): void {
    this.failures.push(`${message.name}: ${what}`);
  }
}

/** Sends `command` for message `seq`; returns its FETCH items when it ended OK (recording a failure otherwise). */
async function fetch(session: ImapSession, tally: Tally, message: CorpusMessage, seq: number, command: string): Promise<Map<string, Value> | undefined> {
  const outcome = await session.run(`FETCH ${seq} ${command}`);
  if (outcome.done.status !== 'OK') {
    tally.fail(message, `${command.slice(0, 80)} → ${outcome.done.status} ${outcome.done.text}`);
    return undefined;
  }
  const items = new Map<string, Value>();
  for (const response of outcome.untagged) {
    tally.responseBytes += response.bytes;
    const found = fetchItems(response);
    if (found === undefined || response.values[0] !== String(seq)) continue;
    for (const [name, value] of found) items.set(name, value);
    tally.fetchItems += found.size;
  }
  return items;
}

/** Batches `items` into FETCH commands of bounded length and merges the answers. */
async function fetchBatched(session: ImapSession, tally: Tally, message: CorpusMessage, seq: number, items: readonly string[]): Promise<Map<string, Value>> {
  const merged = new Map<string, Value>();
  let batch: string[] = [];
  let length = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    for (const [name, value] of (await fetch(session, tally, message, seq, `(${batch.join(' ')})`)) ?? []) merged.set(name, value);
    batch = [];
    length = 0;
  };
  for (const item of items) {
    if (length + item.length > COMMAND_BUDGET) await flush();
    batch.push(item);
    length += item.length + 1;
  }
  await flush();
  return merged;
}

function sectionItems(part: ReportedPart): string[] {
  const p = part.path.join('.');
  const items = [`BODY.PEEK[${p}]`, `BODY.PEEK[${p}.MIME]`];
  if (part.kind === 'message') items.push(`BODY.PEEK[${p}.HEADER]`, `BODY.PEEK[${p}.TEXT]`, `BODY.PEEK[${p}.HEADER.FIELDS (FROM SUBJECT)]`);
  if (decodable(part)) items.push(`BINARY.PEEK[${p}]`, `BINARY.SIZE[${p}]`);
  return items;
}

/** Everything the test asks about one message. */
async function exercise(session: ImapSession, tally: Tally, message: CorpusMessage, seq: number): Promise<void> {
  const expected = served(message);
  const summary = await fetch(session, tally, message, seq, '(UID RFC822.SIZE ENVELOPE BODY BODYSTRUCTURE)');
  if (summary === undefined) return;
  if (Number(summary.get('RFC822.SIZE')) !== expected.length) tally.fail(message, `RFC822.SIZE ${String(summary.get('RFC822.SIZE'))}, served ${expected.length}`);
  const envelope = summary.get('ENVELOPE');
  if (!Array.isArray(envelope) || envelope.length !== 10) tally.fail(message, 'ENVELOPE is not a list of 10');
  const structure = summary.get('BODYSTRUCTURE');
  if (!Array.isArray(structure) || !Array.isArray(summary.get('BODY'))) {
    tally.fail(message, 'BODY or BODYSTRUCTURE is not a list');
    return;
  }

  const whole = await fetch(session, tally, message, seq, '(BODY.PEEK[] BODY.PEEK[HEADER] BODY.PEEK[TEXT] BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE X-MARKER)] BODY.PEEK[HEADER.FIELDS.NOT (SUBJECT)] BINARY.PEEK[] BINARY.SIZE[] BODY.PEEK[]<3.50> RFC822.HEADER)');
  if (whole !== undefined) {
    const all = dataOf(whole.get('BODY[]'));
    if (all === undefined || !all.equals(withoutNul(expected))) tally.fail(message, 'BODY[] differs from the stored message');
    const header = dataOf(whole.get('BODY[HEADER]')) ?? Buffer.alloc(0);
    const text = dataOf(whole.get('BODY[TEXT]')) ?? Buffer.alloc(0);
    if (all !== undefined && !Buffer.concat([header, text]).equals(all)) tally.fail(message, 'BODY[HEADER] + BODY[TEXT] is not BODY[]');
    if (!dataOf(whole.get('BINARY[]'))?.equals(expected)) tally.fail(message, 'BINARY[] differs from the stored message');
    if (!dataOf(whole.get('BODY[]<3>'))?.equals(withoutNul(expected.subarray(3, 53)))) tally.fail(message, 'BODY[]<3.50> is not bytes 3 to 53');
    if (!dataOf(whole.get('RFC822.HEADER'))?.equals(header)) tally.fail(message, 'RFC822.HEADER differs from BODY[HEADER]');
  }

  let parts: ReportedPart[];
  try {
    parts = reportedParts(structure);
  } catch (error) {
    tally.fail(message, `BODYSTRUCTURE: ${(error as Error).message}`);
    return;
  }
  tally.parts += parts.length;
  tally.mostParts = Math.max(tally.mostParts, parts.length);
  tally.deepest = Math.max(tally.deepest, ...parts.map((part) => part.path.length));
  const answers = await fetchBatched(session, tally, message, seq, parts.flatMap(sectionItems));
  for (const part of parts) {
    const p = part.path.join('.');
    const body = dataOf(answers.get(`BODY[${p}]`));
    if (body === undefined) tally.fail(message, `BODY[${p}] missing`);
    else if (part.kind !== 'multipart' && body.length !== part.size) tally.fail(message, `BODY[${p}] has ${body.length} bytes, BODYSTRUCTURE says ${part.size}`);
    if (!decodable(part)) continue;
    const binary = dataOf(answers.get(`BINARY[${p}]`));
    const size = Number(answers.get(`BINARY.SIZE[${p}]`));
    if (binary === undefined || binary.length !== size) tally.fail(message, `BINARY.SIZE[${p}] ${size} for ${binary?.length} bytes`);
  }
  // Unknown transfer encodings: RFC 3516 demands NO [UNKNOWN-CTE] for BINARY and BINARY.SIZE,
  // and a fetch that failed must not have set \Seen.
  for (const part of parts.filter((each) => !decodable(each))) {
    for (const item of [`BINARY[${part.path.join('.')}]`, `BINARY.SIZE[${part.path.join('.')}]`]) {
      const outcome = await session.run(`FETCH ${seq} (${item})`);
      tally.unknownCte += 1;
      if (outcome.done.status !== 'NO' || outcome.done.code !== 'UNKNOWN-CTE') tally.fail(message, `${item} (${part.encoding}) → ${outcome.done.status} [${outcome.done.code}]`);
    }
    const flags = (await fetch(session, tally, message, seq, 'FLAGS'))?.get('FLAGS');
    if (!Array.isArray(flags) || flags.includes('\\Seen')) tally.fail(message, `FLAGS ${JSON.stringify(flags)} after a failed BINARY`);
  }
  // Part numbers that do not exist.
  const deepest = parts.reduce((longest, part) => (part.path.length > longest.length ? part.path : longest), [1] as readonly number[]).join('.');
  const absent = ['99', '99.MIME', '99.HEADER', '99.TEXT', '1.99', `${deepest}.7`, `${deepest}.7.1.HEADER`].map((section) => `BODY.PEEK[${section}]`);
  await fetch(session, tally, message, seq, `(${absent.join(' ')} BINARY.PEEK[99] BINARY.SIZE[99] BINARY.PEEK[${deepest}.7] BINARY.SIZE[1.99])`);
}

function seqsWith(places: readonly WordPlace[]): string {
  return corpus.flatMap((message, index) => (message.word.some((place) => places.includes(place)) ? [index + 1] : [])).join(' ');
}

async function search(session: ImapSession, tally: Tally, criteria: string | Buffer, expected: string | undefined): Promise<void> {
  const outcome = await session.run(criteria);
  const hits = outcome.untagged.find((response) => response.values[0] === 'SEARCH')?.values.slice(1).join(' ');
  const label = Buffer.from(criteria).toString('utf8');
  if (outcome.done.status !== 'OK') tally.failures.push(`${label} → ${outcome.done.status} ${outcome.done.text}`);
  else if (expected !== undefined && hits !== expected) tally.failures.push(`${label} found [${hits}], expected [${expected}]`);
}

/**
 * COPY of the whole INBOX to one folder, and APPEND of every message as
 * served (literal8 where it holds NUL) to another; then every copy is read
 * back and must be the message byte for byte.
 */
async function copyAndAppend(session: ImapSession, tally: Tally): Promise<void> {
  for (const folder of ['Copied', 'Appended']) {
    const created = await session.run(`CREATE ${folder}`);
    assert.equal(created.done.status, 'OK', `CREATE ${folder}: ${created.done.text}`);
  }
  const copied = await session.run('COPY 1:* Copied');
  if (copied.done.status !== 'OK') tally.failures.push(`COPY 1:* → ${copied.done.status} ${copied.done.text}`);
  for (const message of corpus) {
    const data = served(message);
    const literal = `${data.includes(0) ? '~' : ''}{${data.length}+}`;
    const outcome = await session.run(Buffer.concat([Buffer.from(`APPEND Appended ${literal}\r\n`), data]));
    if (outcome.done.status !== 'OK') tally.fail(message, `APPEND → ${outcome.done.status} ${outcome.done.text}`);
    else tally.appended += 1;
  }
  for (const folder of ['Copied', 'Appended']) {
    assert.equal((await session.run(`SELECT ${folder}`)).done.status, 'OK');
    for (const [index, message] of corpus.entries()) {
      const items = await fetch(session, tally, message, index + 1, '(RFC822.SIZE BINARY.PEEK[])');
      const expected = served(message);
      if (items !== undefined && (!dataOf(items.get('BINARY[]'))?.equals(expected) || Number(items.get('RFC822.SIZE')) !== expected.length)) {
        tally.fail(message, `the copy in ${folder} differs`);
      }
    }
  }
}

function report(t: TestContext, text: string): void {
  t.diagnostic(text);
}

describe('malformed mail', () => {
  it(`imapd serves all ${corpus.length} messages of the broken-MIME corpus`, async (t) => {
    const home = new MailHome();
    homes.push(home);
    writeFileSync(home.inbox, toMbox(corpus));
    home.own(home.inbox);
    const child = home.spawnPreauth();
    const killer = setTimeout(() => child.kill('SIGKILL'), SESSION_KILL_MS);
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
    const session = new ImapSession(child);
    const tally = new Tally();
    try {
      assert.equal((await session.next()).status, 'PREAUTH');
      const selected = await session.run('SELECT INBOX');
      assert.equal(selected.done.status, 'OK', selected.done.text);
      assert.ok(selected.untagged.some((response) => response.values.join(' ') === `${corpus.length} EXISTS`), 'every message is in the mailbox');

      for (const [index, message] of corpus.entries()) await exercise(session, tally, message, index + 1);
      const all = await session.run('FETCH 1:* (FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE)');
      const answered = all.untagged.filter((response) => fetchItems(response)?.has('BODYSTRUCTURE')).length;
      tally.fetchItems += answered * 4;
      if (all.done.status !== 'OK' || answered !== corpus.length) tally.failures.push(`FETCH 1:* → ${all.done.status}, ${answered} messages`);

      await search(session, tally, `SEARCH BODY ${WORD}`, seqsWith(['body']));
      await search(session, tally, `SEARCH SUBJECT ${WORD}`, seqsWith(['subject']));
      await search(session, tally, `SEARCH FROM ${WORD}`, seqsWith(['from']));
      await search(session, tally, `SEARCH HEADER X-Marker ${WORD}`, seqsWith(['x-marker']));
      await search(session, tally, `SEARCH TEXT ${WORD}`, seqsWith(['body', 'subject', 'from', 'x-marker', 'header-line']));
      await search(session, tally, 'SEARCH TEXT "words that appear nowhere"', '');
      const accented = Buffer.from('grüße');
      await search(session, tally, Buffer.concat([Buffer.from(`SEARCH CHARSET UTF-8 SUBJECT {${accented.length}+}\r\n`), accented]), String(corpus.findIndex((message) => message.name === 'raw UTF-8 header') + 1));
      await search(session, tally, 'SEARCH OR SENTBEFORE 1-Jan-2000 SENTSINCE 1-Jan-2100', undefined);
      // Sorting and threading read the same garbage subjects, dates and message ids.
      await search(session, tally, 'SORT (SUBJECT FROM DATE CC) UTF-8 ALL', undefined);
      await search(session, tally, 'THREAD REFERENCES UTF-8 ALL', undefined);
      await search(session, tally, 'THREAD ORDEREDSUBJECT UTF-8 ALL', undefined);

      await copyAndAppend(session, tally);

      const peakKb = peakRssKb(child.pid as number);
      assert.equal((await session.run('LOGOUT')).done.status, 'OK');
      const [code, signal] = await exited;
      report(t, `messages in corpus: ${corpus.length} (${toMbox(corpus).length} bytes of mbox)`);
      report(t, `IMAP commands: ${session.commands}; FETCH items served: ${tally.fetchItems}; response bytes: ${tally.responseBytes}`);
      report(t, `part numbers fetched: ${tally.parts} (most in one message: ${tally.mostParts}, cap ${MAX_PARTS}; deepest: ${tally.deepest} levels, nesting cap ${MAX_DEPTH})`);
      report(t, `BINARY answers NO [UNKNOWN-CTE] checked: ${tally.unknownCte}`);
      report(t, `messages copied, appended (${tally.appended}) and read back byte for byte: ${corpus.length} each`);
      report(t, `failures: ${tally.failures.length}`);
      report(t, `imapd peak RSS (VmHWM): ${Math.round(peakKb / 1024)} MB`);
      assert.deepEqual(tally.failures.slice(0, 60), []);
      assert.deepEqual([code, signal], [0, null], 'imapd exits cleanly');
      assert.ok(peakKb < PEAK_RSS_LIMIT_KB, `peak RSS ${peakKb} kB`);
      // The caps hold: one level for the root's body part, a few parts for the cut-off remainder.
      assert.ok(tally.deepest <= MAX_DEPTH + 1 && tally.mostParts < MAX_PARTS + 10, `${tally.deepest} levels, ${tally.mostParts} parts`);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  });

  it('ipop3d serves every message byte for byte with RETR and TOP', async (t) => {
    const home = new PopHome(LOOPBACK_PLAINTEXT);
    homes.push(home);
    writeFileSync(home.spoolFile, toMbox(corpus));
    home.own(home.spoolFile);
    const server = await startPop(home);
    try {
      const client = await PopClient.connect(server);
      const answer = await client.login();
      assert.match(answer, /^\+OK/, `greeting ${client.greeting}, login answer ${answer}`);
      let bytes = 0;
      for (const [index, message] of corpus.entries()) {
        const expected = served(message);
        const retr = await client.retr(index + 1);
        assert.ok(retr.message.equals(expected), `RETR ${index + 1} (${message.name}): ${retr.status}`);
        bytes += retr.wire.length;
        for (const lines of [0, 3]) {
          const top = await topLines(client, index + 1, lines);
          assert.ok(top.length > 0 && expected.subarray(0, top.length).equals(top), `TOP ${index + 1} ${lines} (${message.name}) is not the head of the message`);
        }
      }
      assert.match(await client.quit(), /^\+OK/);
      report(t, `POP3: ${corpus.length} messages retrieved (${bytes} bytes), and each by TOP with 0 and 3 lines`);
    } finally {
      await server.close();
    }
  });
});

/** TOP n lines, unstuffed and with its line ends restored. */
async function topLines(client: PopClient, number: number, lines: number): Promise<Buffer> {
  client.script.send(`TOP ${number} ${lines}`);
  const status = await client.script.line();
  assert.match(status ?? '', /^\+OK/);
  const text: string[] = [];
  for (let line = await client.script.line(); line !== '.'; line = await client.script.line()) {
    if (line === undefined) throw new Error(`closed during TOP ${number}`);
    text.push(line.startsWith('.') ? line.slice(1) : line);
  }
  return Buffer.from(text.map((line) => `${line}\r\n`).join(''), 'latin1');
}
