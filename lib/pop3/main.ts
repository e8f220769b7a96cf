// ipop3d entry point (bundled to dist/ipop3d.cjs). Placeholder session until
// the POP3 engine lands: greeting, CAPA, NOOP, QUIT.
import { hostname } from 'node:os';
import { Connection } from '../net/connection';
import { InputReader } from '../net/input';
import { exitProcess, guardProcess, setFarewell } from '../server/process';

async function main(): Promise<void> {
  guardProcess('ipop3d');
  const connection = Connection.fromStdio();
  const input = new InputReader(connection);
  const send = (line: string): void => void connection.write(`${line}\r\n`);
  setFarewell(async (text) => {
    send(`-ERR ${text}`);
    await connection.end();
  });
  send(`+OK POP3 ${hostname()} server ready`);
  for (;;) {
    const line = await input.line(512).catch(() => Buffer.alloc(0));
    if (line === undefined) break;
    const command = line.toString('latin1').split(' ')[0]?.toUpperCase() ?? '';
    if (command === 'CAPA') send('+OK Capability list follows\r\nTOP\r\nUIDL\r\n.');
    else if (command === 'NOOP') send('+OK');
    else if (command === 'QUIT') {
      send('+OK Sayonara');
      await connection.end();
      exitProcess(0);
      return;
    } else send('-ERR Unknown command');
  }
  exitProcess(0);
}

void main();
