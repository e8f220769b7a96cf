// SASL CRAM-MD5 (RFC 2195) against the UW password file. The server speaks
// first, so an initial response from the client is a protocol error.
import { hostname } from 'node:os';
import { crypto } from '../lazy';
import { verifyCramMd5 } from '../verify';
import type { LoginContext, SaslExchange, SaslStep } from '../types';

/** A challenge in the RFC's msg-id form, unique per exchange: <random.time@host>. */
export function cramMd5Challenge(): string {
  const random = crypto().randomBytes(8).readBigUInt64BE().toString();
  return `<${random}.${Math.floor(Date.now() / 1000)}@${hostname()}>`;
}

export function cramMd5Exchange(ctx: LoginContext): SaslExchange {
  let challenge: string | undefined;
  return {
    async step(response: Buffer | undefined): Promise<SaslStep> {
      if (challenge === undefined) {
        if (response !== undefined) return { kind: 'failure', user: undefined };
        challenge = cramMd5Challenge();
        return { kind: 'challenge', data: Buffer.from(challenge) };
      }
      const match = response === undefined ? null : /^(.+) ([0-9a-fA-F]{32})$/s.exec(response.toString('utf8'));
      if (!match) return { kind: 'failure', user: undefined };
      const user = match[1] ?? '';
      const account = verifyCramMd5(ctx, challenge, user, match[2] ?? '');
      return account ? { kind: 'success', account } : { kind: 'failure', user };
    },
  };
}
