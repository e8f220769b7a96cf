// ipop3d entry point (bundled to dist/ipop3d.cjs): the shared start-up, then
// one POP3 session over the user's INBOX.
import { hostname } from 'node:os';
import { hostText } from '../log/lines';
import { bootstrap } from '../server/bootstrap';
import { exitProcess } from '../server/process';
import { Pop3Session } from './session';
import { systemLogin, systemTls } from './system';

async function main(): Promise<void> {
  const server = await bootstrap('ipop3d');
  if (!server) return;
  const session = new Pop3Session({
    connection: server.connection,
    input: server.input,
    config: server.config,
    login: systemLogin(server),
    tls: systemTls(server),
    serverName: hostname(),
    clientHost: hostText(server.connection.peer),
  });
  await session.run();
  exitProcess(0);
}

void main();
