// A corpus of broken MIME, built in code so that nothing large is committed.
// Every message is a kind of breakage seen in real mail: boundaries that are
// missing, wrong or reused, encodings that lie, charsets nobody knows, 8-bit
// and NUL bytes where they do not belong, absurd sizes and absurd nesting.
// Some messages carry WORD where a search must still find it.

/** The word placed in some broken messages for SEARCH to find. */
export const WORD = 'zebracorn';

/** Where a message holds WORD, i.e. which SEARCH keys must find it ('header-line': a header line of no field, for TEXT only). */
export type WordPlace = 'body' | 'subject' | 'from' | 'x-marker' | 'header-line';

export interface CorpusMessage {
  readonly name: string;
  /** The message as a sender wrote it (usually LF line ends; some mix in CR). */
  readonly data: Buffer;
  readonly word: readonly WordPlace[];
}

/** Bytes from pieces: strings are taken byte for byte (Latin-1), so "\xe9" is one byte. */
function raw(...pieces: readonly (string | Buffer)[]): Buffer {
  return Buffer.concat(pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece)));
}

function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** Lines joined with LF, ending with one. */
function lines(...rows: readonly string[]): string {
  return `${rows.join('\n')}\n`;
}

/** An ordinary header for a message whose breakage is below it. */
function head(subject: string): string {
  return lines('From: Tester <tester@example.org>', 'To: you@example.net', `Subject: ${subject}`, 'Date: Mon, 1 Jan 2024 10:00:00 +0000', 'MIME-Version: 1.0');
}

/** How big the absurd messages are: `scale` 1 for the quick run (1 MB lines, 1,000 levels, 10,000 addresses). */
interface Sizes {
  readonly bytes: number;
  readonly depth: number;
  readonly count: number;
}

function sizes(scale: number): Sizes {
  return { bytes: scale * 1024 * 1024, depth: scale * 1000, count: scale * 10000 };
}

/** "1 MB", "1,000", ... for the names of the messages. */
function mb(size: Sizes): string {
  return `${size.bytes / (1024 * 1024)} MB`;
}

function number(value: number): string {
  return value.toLocaleString('en-US');
}

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\n');
}

/** Multiparts inside each other; the text at level 3 holds WORD. */
function deepMultipart(depth: number): Buffer {
  const pieces: string[] = [head('deep multipart')];
  for (let level = 0; level < depth; level++) {
    pieces.push(`Content-Type: multipart/mixed; boundary="level${level}"\n\n--level${level}\nContent-Type: text/plain\n\nlevel ${level}${level === 3 ? ` ${WORD}` : ''}\n--level${level}\n`);
  }
  pieces.push('Content-Type: text/plain\n\nthe bottom\n');
  for (let level = depth - 1; level >= 0; level--) pieces.push(`--level${level}--\n`);
  return raw(...pieces);
}

/** Messages inside each other, each a message/rfc822 body. */
function deepMessage(depth: number): Buffer {
  const pieces: string[] = [];
  for (let level = 0; level < depth; level++) {
    pieces.push(`From: level${level}@example.org\nSubject: level ${level}\nContent-Type: message/rfc822\n\n`);
  }
  pieces.push('From: bottom@example.org\nSubject: the bottom\n\nbottom text\n');
  return raw(...pieces);
}

/** Multiparts inside each other, all with the same boundary. */
function deepSameBoundary(depth: number): Buffer {
  return raw(head('deep, one boundary'), 'Content-Type: multipart/mixed; boundary=s\n\n', '--s\nContent-Type: multipart/mixed; boundary=s\n\n'.repeat(depth), '--s\n\nleaf\n', '--s--\n'.repeat(depth));
}

/** Multipart and message/rfc822 taking turns. */
function deepAlternating(depth: number): Buffer {
  const pieces: string[] = [head('deep, multipart and message')];
  for (let level = 0; level < depth; level++) {
    pieces.push(level % 2 === 0 ? `Content-Type: multipart/mixed; boundary="alt${level}"\n\n--alt${level}\n` : 'Content-Type: message/rfc822\n\nSubject: inner\n');
  }
  pieces.push('Content-Type: text/plain\n\nthe bottom\n');
  for (let level = depth - 2; level >= 0; level -= 2) pieces.push(`--alt${level}--\n`);
  return raw(...pieces);
}

/** More parts than the scanner keeps (10,000): the rest stay in the last part. */
function manyParts(): Buffer {
  return raw(head('10,001 parts'), 'Content-Type: multipart/mixed; boundary=p\n\n', '--p\n\n'.repeat(10001), 'last\n--p--\n');
}

function manyFields(count: number): Buffer {
  return raw('From: fields@example.org\nSubject: many fields\n', Array.from({ length: count }, (_, index) => `X-Field-${index % 100}: value ${index}\n`).join(''), '\nbody\n');
}

function manyAddresses(count: number): Buffer {
  const to = Array.from({ length: count }, (_, index) => `"User ${index}" <user${index}@example.org>`).join(',\n ');
  return raw('From: many@example.org\nSubject: many recipients\nTo: ', to, '\n\nbody\n');
}

type Case = readonly [name: string, data: Buffer, word?: readonly WordPlace[]];

function cases(size: Sizes): Case[] {
  return [
    ['missing closing boundary', raw(head('no close'), 'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\none\n--b1\nContent-Type: text/plain\n\ntwo ', WORD, '\n'), ['body']],
    ['missing boundary parameter', raw(head('no boundary'), 'Content-Type: multipart/mixed\n\n--x\nContent-Type: text/plain\n\nhello\n--x--\n')],
    ['boundary never appears', raw(head('boundary absent'), 'Content-Type: multipart/alternative; boundary="nothere"\n\njust text\n--other\nmore\n')],
    [
      'boundary inside a base64 part',
      raw(head('boundary in base64'), 'Content-Type: multipart/mixed; boundary="QUJD"\n\n--QUJD\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nQUJDQUJDQUJD\n--QUJDQUJD\n--QUJD junk after the boundary\nQUJD\n--QUJD\nContent-Type: text/plain\n\nafter\n--QUJD--\n'),
    ],
    [
      'nested multipart with the same boundary',
      raw(head('same boundary'), 'Content-Type: multipart/mixed; boundary="same"\n\n--same\nContent-Type: multipart/alternative; boundary="same"\n\n--same\nContent-Type: text/plain\n\ninner\n--same--\n--same\nContent-Type: text/plain\n\nouter\n--same--\n'),
    ],
    ['empty multipart (close delimiter only)', raw(head('empty multipart'), 'Content-Type: multipart/mixed; boundary=e\n\n--e--\n')],
    ['multipart with no body at all', raw(head('multipart, no body'), 'Content-Type: multipart/mixed; boundary=e\n\n')],
    [
      'preamble and epilogue garbage',
      raw(head('garbage around'), 'Content-Type: multipart/mixed; boundary=g\n\n--gg\n-- g\n\x00\xff\xfe binary preamble\n--g\n\npart one\n--g--\n--g\nepilogue that looks like a part\n--g--\n\x00\x01\x02'),
    ],
    ['x-uuencode', raw(head('uuencode'), 'Content-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 hello.txt\n%:&5L;&\\*\n`\nend\n')],
    ['"base 64" with a space', raw(head('base 64'), 'Content-Type: text/plain\nContent-Transfer-Encoding: base 64\n\naGVsbG8K\n')],
    ['8bit with NUL bytes', raw(head('8bit NUL'), 'Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\nnul\x00in the\x00\x00middle \xe9\n')],
    ['invalid base64 characters', raw(head('bad base64'), 'Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!emVi*cmFj~b3Ju\xe9\xff\n%%%\n'), ['body']],
    ['invalid base64 padding', raw(head('bad padding'), 'Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\naGVsbG8===\naGVsbG8\n=aGVs\nQQ\n')],
    ['invalid quoted-printable', raw(head('bad qp'), 'Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n', WORD, ' =ZZ =4 =\n=E9=e9=\t \n==\n='), ['body']],
    ['unknown charset', raw(head('unknown charset'), 'Content-Type: text/plain; charset="x-klingon-1"\n\n', WORD, ' \xe9\xff\n'), ['body']],
    ['UTF-8 charset with invalid bytes', raw(head('bad utf-8'), 'Content-Type: text/plain; charset=utf-8\n\n\xff\xfe\xc3', WORD, '\xe2\x82\n'), ['body']],
    ['ISO-2022-JP with a broken escape', raw(head('bad iso-2022-jp'), 'Content-Type: text/plain; charset=iso-2022-jp\n\n\x1b$B\x1b(\x1b$Bxx\xff\n')],
    ['UTF-16 with an odd byte count', raw(head('odd utf-16'), 'Content-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: base64\n\nAGgAaQB\n')],
    [
      'malformed and unterminated encoded words',
      raw('From: =?utf-8?B?not base64!!?= <a@example.org>\nSubject: =?utf-8?q?', WORD, '\nX-A: =?x-unknown?Q?abc?= =?utf-8?Z?abc?= =??B??= =?utf-8*?Q??=\nX-B: ', '=?utf-8?B?AAAA?='.repeat(2000), '\n\nbody\n'),
      ['subject'],
    ],
    // An unknown charset degrades to UTF-8 or Latin-1, so the ASCII word is still found.
    ['encoded word in an unknown charset', raw('From: =?x-mars?B?', Buffer.from(WORD).toString('base64'), '?= <b@example.org>\nSubject: =?iso-8859-99?Q?caf=E9?=\n\nbody\n'), ['from']],
    ['raw 8-bit (Latin-1) header', raw('From: J\xf6rg Zebracorn <joerg@example.org>\nSubject: caf\xe9 cr\xe8me\nTo: \xe9\xe9 <\xe9@\xe9.example>\n\nbody\n'), ['from']],
    ['raw UTF-8 header', raw(utf8(`From: Jürgen <jürgen@exämple.org>\nSubject: Grüße ${WORD} 日本語\n\nbody\n`)), ['subject']],
    ['lines without a colon in the header', raw('This is not a header\nFrom: nocolon@example.org\nanother stray line ', WORD, '\nSubject: no colon\n\nbody\n'), ['header-line']],
    ['continuation line at the start of the header', raw(' continued before any field\n\tand ', WORD, '\nFrom: cont@example.org\nSubject: continuation first\n\nbody\n'), ['header-line']],
    [`a ${mb(size)} header field on one line`, raw('From: long@example.org\nSubject: long header\nX-Long: ', 'a'.repeat(size.bytes), '\n\nbody\n')],
    [`a ${mb(size)} subject folded over many lines`, raw('From: folded@example.org\nSubject: folded\n', ` ${'b'.repeat(70)}\n`.repeat(size.bytes / 72), '\nbody\n')],
    [`a ${mb(size)} body line`, raw(head('long line'), 'Content-Type: text/plain\n\n', 'c'.repeat(size.bytes), ` ${WORD}\n`), ['body']],
    [`a ${mb(size)} base64 line`, raw(head('long base64 line'), 'Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n', Buffer.alloc(size.bytes, 7).toString('base64'), '\n')],
    ['no body', raw('From: nobody@example.org\nSubject: no body\n\n')],
    ['no header/body separator', raw('From: nosep@example.org\nSubject: no separator\nthis line would be the body')],
    ['only a blank line', raw('\n')],
    ['empty message', raw('')],
    ['NUL bytes in header and body', raw('From: nul\x00@example.org\nSubject: nul\x00here\nX-Marker: ', WORD, '\x00\nX-Nul\x00Name: value\n\nbody\x00with\x00nul\n'), ['x-marker']],
    // Bare CR ends no line: all of this is header, the word in a line of no field.
    ['bare CR line ends', raw('From: cr@example.org\rSubject: bare cr\r\n\rfirst\rsecond ', WORD, '\rthird\r'), ['header-line']],
    [
      'mixed LF and CRLF',
      raw('From: mix@example.org\r\nSubject: mixed\nContent-Type: multipart/mixed; boundary=m\r\n\n--m\r\nContent-Type: text/plain\n\r\n', WORD, '\n--m\nContent-Type: text/plain\r\n\npart two\r\n--m--\r\n'),
      ['body'],
    ],
    [`${number(size.depth)}-deep multipart nesting`, deepMultipart(size.depth), ['body']],
    [`${number(size.depth)}-deep message/rfc822 nesting`, deepMessage(size.depth)],
    [`${number(size.depth)}-deep multipart nesting with one boundary`, deepSameBoundary(size.depth)],
    [`${number(size.depth)}-deep alternating multipart and message/rfc822`, deepAlternating(size.depth)],
    [`${number(size.count * 5)} header fields`, manyFields(size.count * 5)],
    ['an empty boundary parameter', raw(head('empty boundary'), 'Content-Type: multipart/mixed; boundary=""\n\n--\n\ntext\n----\n')],
    ['quoted and empty transfer encodings', raw(head('quoted cte'), 'Content-Type: multipart/mixed; boundary=c\n\n--c\nContent-Transfer-Encoding: "base64"\n\naGk=\n--c\nContent-Transfer-Encoding:\n\nplain\n--c\nContent-Transfer-Encoding: BASE64 (a comment)\n\naGk=\n--c--\n')],
    ['a charset label with NUL and 8-bit bytes', raw(head('odd charset label'), 'Content-Type: text/plain; charset="utf-8\x00\xff"\n\n', WORD, '\n'), ['body']],
    ['unbalanced quote in Content-Type', raw(head('unbalanced quote'), 'Content-Type: multipart/mixed; boundary="unterminated\n\n--unterminated\n\ntext\n')],
    ['unbalanced comment in Content-Type', raw(head('unbalanced comment'), 'Content-Type: text/plain (comment; charset=utf-8 ((((\n\ntext\n')],
    ['Content-Type without subtype', raw(head('no subtype'), 'Content-Type: text\n\ntext\n')],
    ['Content-Type with only a slash', raw(head('only slash'), 'Content-Type: /\nContent-Disposition: ;;;\nContent-Language: ,,,\n\ntext\n')],
    ['Content-Type of separators', raw(head('separators'), 'Content-Type: ;;; = ; =;\n\ntext\n')],
    ['multipart/ with no subtype and no boundary', raw(head('multipart slash'), 'Content-Type: multipart/\n\n--\n\n--\n')],
    [
      'duplicate Content-Type headers',
      raw(head('duplicate type'), 'Content-Type: text/plain\nContent-Type: multipart/mixed; boundary=d\nContent-Transfer-Encoding: base64\nContent-Transfer-Encoding: quoted-printable\n\n--d\n\nhidden part\n--d--\n'),
    ],
    ['truncated message/rfc822 part', raw(head('truncated rfc822'), 'Content-Type: multipart/mixed; boundary=t\n\n--t\nContent-Type: message/rfc822\n\nFrom: inner@example.org\nSubj')],
    ['message/rfc822 with no body at all', raw(head('empty rfc822'), 'Content-Type: message/rfc822\n\n')],
    ['message/rfc822 declared base64', raw(head('base64 rfc822'), 'Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nRnJvbTogYUBiDQoNCmhpDQo=\n')],
    ['multipart/digest with garbage parts', raw(head('digest'), 'Content-Type: multipart/digest; boundary=dg\n\n--dg\n\nnot a message at all\n--dg\nContent-Type: text/plain\n\ntext\n--dg\n\n\n--dg--\n')],
    ['base64-encoded multipart', raw(head('encoded multipart'), 'Content-Type: multipart/mixed; boundary=z\nContent-Transfer-Encoding: base64\n\n--z\n\nx\n--z--\n')],
    ['boundary with white space', raw(head('odd boundaries'), `Content-Type: multipart/mixed; boundary="  sp ace "\n\n--  sp ace \t \n\none\n--  sp ace --  \n`)],
    ['a 1,000-byte boundary', raw(head('long boundary'), `Content-Type: multipart/mixed; boundary="${'q'.repeat(1000)}"\n\n--${'q'.repeat(1000)}\n\none\n--${'q'.repeat(1000)}--\n`)],
    [
      'broken RFC 2231 parameters and dispositions',
      raw(head('rfc 2231'), 'Content-Type: application/octet-stream; name*0*=utf-8\'\'%ZZ; name*1="x; name*=\'\'\'\nContent-Disposition: attachment; filename*=utf-8\'\'%E9%; filename=\nContent-Language: (((\n\nx\n'),
    ],
    ['header names that are empty or all colons', raw(':\n: value\n:::\nSubject: colons\n\nbody\n')],
    ['deeply nested comments', raw(head('comments'), 'Content-Type: text/plain; ', '('.repeat(5000), 'charset=utf-8\nFrom: ', '('.repeat(5000), 'x@example.org\n\nbody\n')],
    [
      'garbage address headers',
      raw('From: <<<>>>\nSender: (unterminated comment x@example.org\nReply-To: "unterminated quote <x@example.org>\nTo: unbalanced <foo@example.org\nCc: group: a@example.org, b@example.org\nBcc: ;;;,,,@@@ <> <@> @:\nSubject: garbage addresses\nIn-Reply-To: <<<\nMessage-ID: >>>\n\nbody\n'),
    ],
    [`${number(size.count)} addresses`, manyAddresses(size.count)],
    [`a References header of ${number(size.count)} ids`, raw('From: refs@example.org\nSubject: long thread\nMessage-ID: <refs@example.org>\nReferences:', Array.from({ length: size.count }, (_, index) => ` <r${index}@example.org>`).join('\n'), '\n\nbody\n')],
    [
      'References repeating ids that close a loop',
      raw('From: loop@example.org\nSubject: Re: long thread\nMessage-ID: <loop@example.org>\nReferences:', Array.from({ length: size.count }, (_, index) => ` <r${index}@example.org>`).join(''), ` <r0@example.org> <r${size.count - 1}@example.org>`.repeat(size.count), '\n\nbody\n'),
    ],
    ['References and In-Reply-To naming the message itself', raw('From: self@example.org\nSubject: self\nMessage-ID: <refs@example.org>\nIn-Reply-To: <refs@example.org>\nReferences: <loop@example.org> <refs@example.org>\n\nbody\n')],
    ['a subject of "(fwd)" trailers', raw('From: trailers@example.org\nSubject: x', '(fwd)'.repeat(size.bytes / 20), '\n\nbody\n')],
    ['a subject of [blobs]', raw('From: blobs@example.org\nSubject: ', '[a]'.repeat(size.bytes / 12), 'x\n\nbody\n')],
    ['a subject of nested [fwd: ] wrappers', raw('From: wrapped@example.org\nSubject: ', '[fwd:'.repeat(size.bytes / 20), 'x', ']'.repeat(size.bytes / 20), '\n\nbody\n')],
    [`${number(size.count * 20)} header lines without a colon`, raw('x\nS\n'.repeat(size.count * 10), `Subject: colon-less ${WORD}\n\nbody: the first colon\n`), ['subject']],
    ['garbage dates', raw('From: date@example.org\nDate: yesterday at noon\nDate: 99 Foo 99999 99:99:99 +9999\nSubject: garbage date\n\nbody\n')],
    ['a date with NUL and 8-bit bytes', raw('From: date2@example.org\nDate: Mon, 32 Jan 2024 25:61:61 \x00\xff\nSubject: bad date 2\n\nbody\n')],
    ['body lines starting with "From "', raw(head('from lines'), '\nFrom here on\nFrom the start\n>From quoted\n')],
    ['10,001 empty parts', manyParts()],
    [`${number(size.count)} encoded words in the subject`, raw('From: words@example.org\nSubject: ', '=?utf-8?q?a?= '.repeat(size.count), '\n\nbody\n')],
    ['Latin-1 body labelled us-ascii', raw(head('8-bit as ascii'), 'Content-Type: text/plain; charset=us-ascii\n\ncaf\xe9 ', WORD, '\n'), ['body']],
    ['quoted-printable soft break at the end of a part', raw(head('qp end'), 'Content-Type: multipart/mixed; boundary=q\n\n--q\nContent-Transfer-Encoding: quoted-printable\n\nend=\n--q--\n')],
    [`base64 text part with a ${mb(size)} NUL payload`, raw(head('binary nul'), 'Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n', base64Lines(Buffer.alloc(size.bytes)), '\n')],
  ];
}

/** The corpus, the same on every call for the same scale (STRESS runs use a larger one). */
export function corpusMessages(scale = 1): CorpusMessage[] {
  return cases(sizes(scale)).map(([name, data, word]) => ({ name, data, word: word ?? [] }));
}
