// LOGIN (RFC 3501 §6.2.3). Refused outright, before any password check,
// where plaintext passwords are not allowed (no TLS): PRIVACYREQUIRED.
import { plaintextAllowed, verifyPlaintext } from '../../auth';
import { capabilities } from '../capabilities';
import { BEFORE_LOGIN, ImapError, defineCommand } from '../command';
import { completeLogin, loginRefused } from '../login';

export const loginCommand = defineCommand({
  name: 'LOGIN',
  states: BEFORE_LOGIN,
  parse(d) {
    d.expectSP();
    const user = d.expectAstringText();
    d.expectSP();
    const password = d.expectAstringText();
    return { user, password };
  },
  async run(session, { user, password }) {
    if (!plaintextAllowed(session.login)) {
      throw new ImapError('NO', 'Plaintext authentication is disallowed without TLS', 'PRIVACYREQUIRED');
    }
    const account = await verifyPlaintext(session.login, user, password);
    if (!account) throw await loginRefused(session, user);
    await completeLogin(session, account, { kind: 'login' });
    return { code: `CAPABILITY ${capabilities(session).join(' ')}`, text: `User ${account.name} authenticated` };
  },
});
