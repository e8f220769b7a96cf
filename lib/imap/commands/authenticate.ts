// AUTHENTICATE (RFC 3501 §6.2.2) with SASL-IR (RFC 4959): the exchange is
// the auth layer's; here are only the base64 lines, `*` to cancel, and `=`
// for an empty initial response.
import { plaintextAllowed, startSasl } from '../../auth';
import { capabilities } from '../capabilities';
import { BEFORE_LOGIN, ImapError, defineCommand } from '../command';
import { completeLogin, loginRefused } from '../login';

const PLAINTEXT_MECHANISMS = new Set(['PLAIN', 'LOGIN']);

function decodeBase64(text: string): Buffer {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new ImapError('BAD', 'Invalid base64 data');
  return Buffer.from(text, 'base64');
}

export const authenticateCommand = defineCommand({
  name: 'AUTHENTICATE',
  states: BEFORE_LOGIN,
  parse(d) {
    d.expectSP();
    const mechanism = d.expectAtom().toUpperCase();
    const initial = d.maybeSP() ? (d.consume('=') ? '=' : d.expectAtom()) : undefined;
    return { mechanism, initial };
  },
  async run(session, { mechanism, initial }) {
    if (PLAINTEXT_MECHANISMS.has(mechanism) && !plaintextAllowed(session.login)) {
      throw new ImapError('NO', 'Plaintext authentication is disallowed without TLS', 'PRIVACYREQUIRED');
    }
    const exchange = startSasl(session.login, mechanism);
    if (!exchange) throw new ImapError('NO', `Unsupported authentication mechanism ${mechanism}`);
    let response = initial === undefined ? undefined : initial === '=' ? Buffer.alloc(0) : decodeBase64(initial);
    for (;;) {
      const step = await exchange.step(response);
      if (step.kind === 'failure') throw await loginRefused(session, step.user ?? '', step.user);
      if (step.kind === 'success') {
        await completeLogin(session, step.account, { kind: 'authenticate', mechanism });
        return { code: `CAPABILITY ${capabilities(session).join(' ')}`, text: `User ${step.account.name} authenticated` };
      }
      session.continuation(step.data.toString('base64'));
      await session.drain();
      const line = await session.waitForClient(session.readLine());
      if (line === undefined) throw new ImapError('BAD', 'Connection closed during authentication');
      if (line === '*') throw new ImapError('BAD', 'AUTHENTICATE cancelled');
      response = decodeBase64(line);
    }
  },
});
