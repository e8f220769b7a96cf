// AUTH (RFC 5034): a SASL exchange, with an optional initial response
// ("=" for an empty one) and "*" to cancel. Without an argument it lists
// the mechanisms, as UW did for old clients.
import type { SaslExchange } from '../../auth/types';
import type { Pop3Session } from '../session';
import { err, ok, printable } from '../wire';
import { plaintextRefusal } from './plaintext';
import { AUTHORIZATION, type Pop3Command } from './types';

const PLAINTEXT_MECHANISMS = new Set(['PLAIN', 'LOGIN']);

/** Strict base64 (RFC 4648 §4); "=" alone is the empty initial response. */
function decodeBase64(text: string): Buffer | undefined {
  if (text === '=') return Buffer.alloc(0);
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

export const auth: Pop3Command = {
  states: AUTHORIZATION,
  async run(session, command) {
    session.pendingUser = undefined;
    if (command.args.length === 0) {
      session.replyLines(ok('Supported authentication mechanisms:'), session.login.mechanisms());
      return;
    }
    const [mechanismText = '', initialText] = command.args;
    if (command.args.length > 2) return session.refuse(err('AUTH takes a mechanism and an optional initial response'));
    const mechanism = mechanismText.toUpperCase();
    const exchange = session.login.startSasl(mechanism);
    if (!exchange) {
      if (PLAINTEXT_MECHANISMS.has(mechanism) && !session.login.plaintextAllowed()) return session.reply(plaintextRefusal(session));
      const offered = session.login.mechanisms().join(' ') || 'none';
      return session.reply(err(`Unsupported authentication mechanism ${printable(mechanism, 40)} (offered: ${offered})`));
    }
    let response: Buffer | undefined;
    if (initialText !== undefined) {
      response = decodeBase64(initialText);
      if (!response) return session.refuse(err('Initial response is not valid base64'));
    }
    await converse(session, mechanism, exchange, response);
  },
};

async function converse(session: Pop3Session, mechanism: string, exchange: SaslExchange, initial: Buffer | undefined): Promise<void> {
  let response = initial;
  for (;;) {
    const step = await exchange.step(response);
    if (step.kind === 'success') return session.loginSucceeded(step.account, 'Auth');
    if (step.kind === 'failure') return session.loginFailed(step.user, mechanism);
    session.reply(`+ ${step.data.toString('base64')}`);
    await session.connection.drain();
    const line = await session.readResponseLine();
    if (line === undefined) return;
    if (line === 'too-long') return session.refuse(err('Authentication response too long; exchange cancelled'));
    const text = line.toString('latin1').trim();
    if (text === '*') return session.reply(err('Authentication cancelled'));
    response = decodeBase64(text);
    if (!response) return session.refuse(err('Authentication response is not valid base64; exchange cancelled'));
  }
}
