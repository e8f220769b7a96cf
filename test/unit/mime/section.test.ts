// BODY[section] byte ranges, RFC 3501 §6.4.5.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SectionSpec, sectionContent } from '../../../lib/mail/mime/section';
import { scanMessage } from '../../../lib/mail/mime/structure';
import { crlf } from './structure.test';

const message = crlf(
  [
    'Subject: outer',
    'Content-Type: multipart/mixed; boundary=o',
    '',
    '--o',
    'Content-Type: text/plain',
    '',
    'part one',
    '--o',
    'Content-Type: message/rfc822',
    '',
    'Subject: inner',
    'From: a@b',
    'Content-Type: multipart/alternative; boundary=i',
    '',
    '--i',
    '',
    'inner one',
    '--i',
    'Content-Type: text/html',
    '',
    '<b>inner two</b>',
    '--i--',
    '--o--',
    '',
  ].join('\n'),
);
const root = scanMessage(message);

function section(spec: SectionSpec): string | undefined {
  return sectionContent(message, root, spec)?.toString('latin1');
}

describe('sections', () => {
  it('whole message, HEADER and TEXT', () => {
    assert.equal(section({ part: [] }), message.toString('latin1'));
    assert.equal(section({ part: [], text: 'HEADER' }), 'Subject: outer\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n');
    assert.ok(section({ part: [], text: 'TEXT' })?.startsWith('--o\r\n'));
  });

  it('part numbers, MIME headers, and HEADER/TEXT of a message/rfc822 part', () => {
    assert.equal(section({ part: [1] }), 'part one');
    assert.equal(section({ part: [1], text: 'MIME' }), 'Content-Type: text/plain\r\n\r\n');
    assert.ok(section({ part: [2] })?.startsWith('Subject: inner\r\n'));
    assert.equal(section({ part: [2], text: 'HEADER' })?.split('\r\n')[0], 'Subject: inner');
    assert.ok(section({ part: [2], text: 'TEXT' })?.startsWith('--i\r\n'));
    assert.equal(section({ part: [2, 1] }), 'inner one');
    assert.equal(section({ part: [2, 2] }), '<b>inner two</b>');
    assert.equal(section({ part: [2, 2], text: 'MIME' }), 'Content-Type: text/html\r\n\r\n');
  });

  it('HEADER.FIELDS and HEADER.FIELDS.NOT keep the original lines and end with a blank line', () => {
    assert.equal(section({ part: [], text: 'HEADER.FIELDS', fields: ['SUBJECT', 'x-none'] }), 'Subject: outer\r\n\r\n');
    assert.equal(section({ part: [2], text: 'HEADER.FIELDS.NOT', fields: ['subject', 'content-type'] }), 'From: a@b\r\n\r\n');
    assert.equal(section({ part: [], text: 'HEADER.FIELDS', fields: ['x-none'] }), '\r\n');
  });

  it('sections that do not exist', () => {
    assert.equal(section({ part: [3] }), undefined);
    assert.equal(section({ part: [0] }), undefined);
    assert.equal(section({ part: [1, 1] }), undefined);
    assert.equal(section({ part: [1], text: 'HEADER' }), undefined);
    assert.equal(section({ part: [2, 3] }), undefined);
  });

  it('a single-part message has part 1, its body, and its MIME header is the message header', () => {
    const simple = crlf('Subject: s\n\nhello\n');
    const tree = scanMessage(simple);
    assert.equal(sectionContent(simple, tree, { part: [1] })?.toString(), 'hello\r\n');
    assert.equal(sectionContent(simple, tree, { part: [1], text: 'MIME' })?.toString(), 'Subject: s\r\n\r\n');
    assert.equal(sectionContent(simple, tree, { part: [2] }), undefined);
  });

  it('a message that is itself message/rfc822', () => {
    const wrapped = crlf('Content-Type: message/rfc822\n\nSubject: in\n\nbody\n');
    const tree = scanMessage(wrapped);
    assert.equal(sectionContent(wrapped, tree, { part: [1] })?.toString(), 'Subject: in\r\n\r\nbody\r\n');
    assert.equal(sectionContent(wrapped, tree, { part: [1], text: 'HEADER' })?.toString(), 'Subject: in\r\n\r\n');
    assert.equal(sectionContent(wrapped, tree, { part: [1, 1] })?.toString(), 'body\r\n');
  });
});
