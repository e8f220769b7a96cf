import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePasswordFile, passwordEntry, passwordFileReadable } from '../../../lib/auth/password-file';
import { temporaryFile } from './fixtures';

describe('UW password file', () => {
  it('reads user<TAB>password lines, skipping comments and blank lines', () => {
    const entries = parsePasswordFile('# comment\n\nalice\tpa ss#word\r\nbob\t\nbroken line\n\tno-user\n');
    assert.deepEqual([...entries], [['alice', 'pa ss#word'], ['bob', '']]);
  });

  it('keeps the first of duplicate entries', () => {
    assert.equal(parsePasswordFile('u\tfirst\nu\tsecond\n').get('u'), 'first');
  });

  it('finds a user as given, then in lower case', () => {
    const path = temporaryFile('pwd', 'alice\tsecret\nBob\tother\n');
    assert.deepEqual(passwordEntry(path, 'alice'), { user: 'alice', password: 'secret' });
    assert.deepEqual(passwordEntry(path, 'ALICE'), { user: 'alice', password: 'secret' });
    assert.deepEqual(passwordEntry(path, 'Bob'), { user: 'Bob', password: 'other' });
    assert.equal(passwordEntry(path, 'bob'), undefined);
    assert.equal(passwordEntry(path, 'carol'), undefined);
  });

  it('is absent when the file is missing or the path is empty', () => {
    assert.equal(passwordEntry('/nonexistent/cram-md5.pwd', 'alice'), undefined);
    assert.equal(passwordFileReadable('/nonexistent/cram-md5.pwd'), false);
    assert.equal(passwordFileReadable(''), false);
    assert.equal(passwordFileReadable(temporaryFile('pwd', 'a\tb\n')), true);
  });
});
