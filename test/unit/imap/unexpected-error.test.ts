// A command handler that throws something unexpected answers NO [SERVERBUG]
// and the session goes on; nothing is written outside the protocol.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { MailboxStatus } from '../../../lib/mail/types';
import { FakeStore } from './fake-store';
import { startEngine } from './harness';

class BrokenStore extends FakeStore {
  override async status(): Promise<MailboxStatus> {
    throw new TypeError('simulated bug in a storage driver');
  }
}

it('maps a throwing handler to NO [SERVERBUG] and keeps the session', async () => {
  const { client } = startEngine({ store: new BrokenStore() });
  const answer = await client.command('a', 'STATUS INBOX (MESSAGES)');
  assert.match(answer.at(-1) ?? '', /^a NO \[SERVERBUG\] /);
  assert.doesNotMatch(answer.join('\n'), /TypeError|simulated|at .*\.ts/);
  assert.deepEqual(await client.command('b', 'NOOP'), ['b OK NOOP completed']);
});
