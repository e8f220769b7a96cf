// imapd entry point (bundled to dist/imapd.cjs). Placeholder session until
// the protocol engine lands: greeting, CAPABILITY, NOOP, LOGOUT.
import { hostname } from 'node:os';
import { Connection } from '../net/connection';
import { InputReader, LineTooLongError } from '../net/input';
import { exitProcess, guardProcess, setFarewell } from '../server/process';

async function main(): Promise<void> {
  guardProcess('imapd');
  const connection = Connection.fromStdio();
  const input = new InputReader(connection);
  const send = (line: string): void => void connection.write(`${line}\r\n`);
  setFarewell(async (text) => {
    send(`* BYE ${text}`);
    await connection.end();
  });
  send(`* OK [CAPABILITY IMAP4rev1] ${hostname()} IMAP4rev1 server ready`);
  for (;;) {
    let line: Buffer | undefined;
    try {
      line = await input.line(65536);
    } catch (error) {
      if (error instanceof LineTooLongError) {
        send('* BAD Command line too long');
        continue;
      }
      throw error;
    }
    if (line === undefined) break;
    const [tag = '*', command = ''] = line.toString('latin1').split(' ');
    switch (command.toUpperCase()) {
      case 'CAPABILITY':
        send('* CAPABILITY IMAP4rev1');
        send(`${tag} OK CAPABILITY completed`);
        break;
      case 'NOOP':
        send(`${tag} OK NOOP completed`);
        break;
      case 'LOGOUT':
        send(`* BYE ${hostname()} IMAP4rev1 server terminating connection`);
        send(`${tag} OK LOGOUT completed`);
        await connection.end();
        exitProcess(0);
        return;
      default:
        send(`${tag} BAD Command unrecognized: ${command}`);
    }
  }
  exitProcess(0);
}

void main();
