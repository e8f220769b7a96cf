import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { apopTimestamp, startSasl, verifyApop, verifyPlaintext } from '../../../lib/auth';
import type { SaslExchange, SaslStep } from '../../../lib/auth/types';
import { configWith, context, passwordFile } from './fixtures';

const config = configWith(`password-file=${passwordFile()}`, 'virtual-owner=nobody', 'home-template=/srv/mail/%u');
const secure = context(config, { secure: true });
const plain = context(config);

async function run(exchange: SaslExchange | undefined, responses: Array<string | undefined>): Promise<SaslStep[]> {
  assert.ok(exchange, 'mechanism offered');
  const steps: SaslStep[] = [];
  for (const response of responses) steps.push(await exchange.step(response === undefined ? undefined : Buffer.from(response)));
  return steps;
}

function succeeded(step: SaslStep | undefined, name: string): void {
  assert.equal(step?.kind, 'success');
  if (step?.kind === 'success') assert.equal(step.account.name, name);
}

describe('SASL PLAIN', () => {
  it('logs in with an initial response', async () => {
    const [step] = await run(startSasl(secure, 'plain'), ['\0alice\0Wonder#land']);
    succeeded(step, 'alice');
  });
  it('asks with an empty challenge when there is no initial response', async () => {
    const steps = await run(startSasl(secure, 'PLAIN'), [undefined, 'alice\0alice\0Wonder#land']);
    assert.deepEqual(steps[0], { kind: 'challenge', data: Buffer.alloc(0) });
    succeeded(steps[1], 'alice');
  });
  it('refuses a wrong password, another authorization identity and malformed responses', async () => {
    for (const response of ['\0alice\0wrong', 'nobody\0alice\0Wonder#land', 'alice\0Wonder#land', '', '\0\0']) {
      const [step] = await run(startSasl(secure, 'PLAIN'), [response]);
      assert.equal(step?.kind, 'failure', JSON.stringify(response));
    }
  });
  it('is not offered without TLS', () => {
    assert.equal(startSasl(plain, 'PLAIN'), undefined);
    assert.equal(startSasl(plain, 'LOGIN'), undefined);
    assert.equal(startSasl(secure, 'GSSAPI'), undefined);
  });
});

describe('SASL LOGIN', () => {
  it('asks for user name and password', async () => {
    const steps = await run(startSasl(secure, 'LOGIN'), [undefined, 'alice', 'Wonder#land']);
    assert.deepEqual(steps.slice(0, 2), [
      { kind: 'challenge', data: Buffer.from('Username:') },
      { kind: 'challenge', data: Buffer.from('Password:') },
    ]);
    succeeded(steps[2], 'alice');
  });
  it('takes an initial response as the user name', async () => {
    const steps = await run(startSasl(secure, 'LOGIN'), ['alice', 'bad']);
    assert.deepEqual(steps[1], { kind: 'failure', user: 'alice' });
  });
});

describe('SASL CRAM-MD5', () => {
  it('answers the challenge with HMAC-MD5 of the password', async () => {
    const exchange = startSasl(plain, 'CRAM-MD5');
    const [challenge] = await run(exchange, [undefined]);
    assert.equal(challenge?.kind, 'challenge');
    if (challenge?.kind !== 'challenge') return;
    assert.match(challenge.data.toString(), /^<\d+\.\d+@[^>]+>$/);
    const digest = createHmac('md5', 'Wonder#land').update(challenge.data).digest('hex');
    const [step] = await run(exchange, [`alice ${digest}`]);
    succeeded(step, 'alice');
  });
  it('refuses a wrong digest, root, and an initial response', async () => {
    const exchange = startSasl(plain, 'cram-md5');
    const [challenge] = await run(exchange, [undefined]);
    if (challenge?.kind !== 'challenge') return assert.fail('no challenge');
    assert.equal((await run(exchange, ['alice 00000000000000000000000000000000']))[0]?.kind, 'failure');
    const rootExchange = startSasl(plain, 'CRAM-MD5');
    const [rootChallenge] = await run(rootExchange, [undefined]);
    if (rootChallenge?.kind !== 'challenge') return assert.fail('no challenge');
    const rootDigest = createHmac('md5', 'toor').update(rootChallenge.data).digest('hex');
    assert.equal((await run(rootExchange, [`root ${rootDigest}`]))[0]?.kind, 'failure');
    assert.equal((await run(startSasl(plain, 'CRAM-MD5'), ['alice 0123']))[0]?.kind, 'failure');
  });
  it('challenges differ between exchanges', async () => {
    const [a] = await run(startSasl(plain, 'CRAM-MD5'), [undefined]);
    const [b] = await run(startSasl(plain, 'CRAM-MD5'), [undefined]);
    assert.notDeepEqual(a, b);
  });
});

describe('plaintext passwords and APOP', () => {
  it('uses the password file for its users, with the virtual owner and home template', async () => {
    const account = await verifyPlaintext(plain, 'alice', 'Wonder#land');
    assert.deepEqual(account, { name: 'alice', uid: 65534, gid: 65534, home: '/srv/mail/alice' });
  });
  it('gives a system account its own uid', async () => {
    const account = await verifyPlaintext(plain, 'nobody', 'nobodys-secret');
    assert.equal(account?.uid, 65534);
    assert.equal(account?.home, '/srv/mail/nobody');
  });
  it('refuses wrong passwords, root, NUL bytes and implausible names', async () => {
    assert.equal(await verifyPlaintext(plain, 'alice', 'wonder#land'), undefined);
    assert.equal(await verifyPlaintext(plain, 'root', 'toor'), undefined);
    assert.equal(await verifyPlaintext(plain, 'alice', 'Wonder#land\0'), undefined);
    assert.equal(await verifyPlaintext(plain, '+alice', 'Wonder#land'), undefined);
    assert.equal(await verifyPlaintext(plain, '', ''), undefined);
  });
  it('refuses password-file users without a system account when there is no virtual owner', async () => {
    const noOwner = context(configWith(`password-file=${passwordFile()}`));
    assert.equal(await verifyPlaintext(noOwner, 'alice', 'Wonder#land'), undefined);
  });
  it('checks APOP digests against the password file', async () => {
    const timestamp = apopTimestamp(plain);
    assert.match(timestamp ?? '', /^<[0-9a-f]+\.[0-9a-f]+@[^>]+>$/);
    const digest = createHash('md5').update(`${timestamp}Wonder#land`).digest('hex');
    assert.equal((await verifyApop(plain, timestamp ?? '', 'alice', digest))?.name, 'alice');
    assert.equal((await verifyApop(plain, timestamp ?? '', 'alice', digest.toUpperCase()))?.name, 'alice');
    assert.equal(await verifyApop(plain, `${timestamp}x`, 'alice', digest), undefined);
    assert.equal(apopTimestamp(context(configWith('password-file=/nonexistent'))), undefined);
  });
});
