// A whole imapd session over an inherited connection: greeting (OK, or
// PREAUTH when started by an ordinary user), the command loop, and the end —
// whichever way it comes (LOGOUT, BYE, autologout, hangup) the selected
// mailbox is checkpointed and one log line says how it ended.
import { hostname } from 'node:os';
import { loginContext, preauthAccount } from '../auth';
import { autologoutLine, hostText, logoutLine, sessionEndLine, writeLine } from '../log/lines';
import { log } from '../log/syslog';
import type { MailStore, MailUser } from '../mail/types';
import { tlsAvailable } from '../net/tls';
import type { ServerContext } from '../server/bootstrap';
import { exitProcess, setFarewell, setStopHandler, type Stop } from '../server/process';
import { capabilities } from './capabilities';
import { commandTable } from './commands';
import { Dispatcher } from './dispatcher';
import { refusalFor } from './errors';
import { completeLogin } from './login';
import { Session } from './session';

export async function serveImap(server: ServerContext, openStore: (user: MailUser) => MailStore | Promise<MailStore>): Promise<void> {
  const { config, connection, input } = server;
  const session = new Session({
    config,
    connection,
    input,
    login: loginContext('imap', config, connection),
    tlsAvailable: tlsAvailable('imapd', config),
    commands: commandTable(),
    clientHost: hostText(connection.peer),
    openStore,
  });
  let ending: Promise<void> | undefined;
  const end = (reason: string, farewell: string | undefined): Promise<void> => (ending ??= endSession(session, reason, farewell));
  setFarewell((text) => end('Killed', text));
  session.onAutologout = () => end('Autologout', 'Autologout; idle for too long');
  let stopping: Stop | undefined;
  setStopHandler((stop) => {
    stopping = stop;
    // A running command may be rewriting the mailbox: the session ends after it.
    if (session.busy) session.endAfterCommand(stop.text);
    else void end(stop.reason, stop.text);
  });

  if (!(await greet(session))) return end('Logout', undefined);
  await new Dispatcher(session).run();
  if (session.state === 'logout') await end('Logout', undefined);
  else if (stopping) await end(stopping.reason, session.pendingFarewell ?? stopping.text);
  else if (session.pendingFarewell !== undefined) await end('Logout', session.pendingFarewell);
  else await end('Command stream end of file, while reading line', undefined);
}

/** Sends the greeting; false when a pre-authenticated session could not start (it has said BYE). */
async function greet(session: Session): Promise<boolean> {
  const account = preauthAccount(session.login);
  if (account) {
    try {
      await completeLogin(session, account, { kind: 'preauth' });
    } catch (error) {
      const refusal = refusalFor(error, 'PREAUTH');
      session.untagged(`BYE ${refusal.code ? `[${refusal.code}] ` : ''}${refusal.text}`);
      return false;
    }
    session.untagged(`PREAUTH [CAPABILITY ${capabilities(session).join(' ')}] Pre-authenticated user ${account.name} ${hostname()} IMAP4rev1 server`);
    return true;
  }
  session.untagged(`OK [CAPABILITY ${capabilities(session).join(' ')}] ${hostname()} IMAP4rev1 server ready`);
  return true;
}

async function endSession(session: Session, reason: string, farewell: string | undefined): Promise<void> {
  if (farewell !== undefined && farewell !== '') session.untagged(`BYE ${farewell}`);
  try {
    await session.deselect({ expunge: false });
  } catch (error) {
    log('err', `closing the mailbox at session end failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const user = session.user?.name;
  if (reason === 'Logout') writeLine(logoutLine(user, session.clientHost));
  else if (reason === 'Autologout') writeLine(autologoutLine(user, session.clientHost));
  else writeLine(sessionEndLine(reason, user, session.clientHost));
  await session.connection.end();
  exitProcess(0);
}
