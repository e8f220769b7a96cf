// ipop2d entry point (bundled to dist/ipop2d.cjs): the shared start-up
// (implicit TLS by option, port or an "s" name; POP2 has no STARTTLS), then
// one POP2 session.
import { hostname } from 'node:os';
import { hostText } from '../log/lines';
import { systemLogin } from '../pop3/system';
import { bootstrap } from '../server/bootstrap';
import { exitProcess } from '../server/process';
import { Pop2Session } from './session';

async function main(): Promise<void> {
  const server = await bootstrap('ipop2d');
  if (!server) return;
  const session = new Pop2Session({
    connection: server.connection,
    input: server.input,
    config: server.config,
    login: systemLogin(server),
    serverName: hostname(),
    clientHost: hostText(server.connection.peer),
  });
  await session.run();
  exitProcess(0);
}

void main();
