// The demo launcher behind `npm start` (bundled to dist/demo.cjs): makes the
// demo files on first run, then serves IMAP, IMAPS, POP3 and POP3S on
// loopback by spawning bin/imapd and bin/ipop3d per connection, exactly as
// inetd does. For trying the project and for tests; production runs under
// inetd, xinetd or systemd. A terminal command: it talks on stdout/stderr.
import { writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { version } from '../../package.json';
import { SuperServer, type ServiceSpec } from '../inetd/superserver';
import { bannerText, type DemoPorts } from './banner';
import { prepareDemo } from './setup';

const HOST = '127.0.0.1';
const DEFAULT_PORTS = '1143,1993,1110,1995';

const say = (text: string): void => void writeSync(1, `${text}\n`);
const complain = (text: string): void => void writeSync(2, `imapd demo: ${text}\n`);

function portList(value: string): DemoPorts {
  const ports = value.split(',').map((part) => part.trim());
  if (ports.length !== 4 || !ports.every((port) => /^\d+$/.test(port) && Number(port) < 65536)) {
    throw new InvalidArgumentError('expected four port numbers: imap,imaps,pop3,pop3s (0 picks a free one)');
  }
  const [imap, imaps, pop3, pop3s] = ports.map(Number) as [number, number, number, number];
  return { imap, imaps, pop3, pop3s };
}

async function main(): Promise<number> {
  const command = new Command('imapd-demo')
    .description('Serve a demo mail store on loopback: IMAP, IMAPS, POP3 and POP3S, one imapd/ipop3d process per connection.')
    .option('--dir <directory>', 'where the demo files live (made on first run)', 'demo')
    .option('--ports <imap,imaps,pop3,pop3s>', 'ports to listen on; 0 picks a free one', portList, portList(process.env.IMAPD_DEMO_PORTS ?? DEFAULT_PORTS))
    .version(version, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'print this help and exit')
    .allowExcessArguments(false);
  command.parse();
  const options = command.opts<{ dir: string; ports: DemoPorts }>();

  const files = prepareDemo(options.dir);
  for (const warning of files.warnings) complain(`warning: ${warning}`);
  const bin = resolve(__dirname, '..', 'bin');
  const env = { ...process.env, IMAPD_CONFIG: files.configPath };
  const service = (program: string, port: number, tls: boolean): ServiceSpec => ({
    program: resolve(bin, program),
    args: tls ? ['--tls'] : [],
    argv0: program,
    env,
    host: HOST,
    port,
  });

  const servers: SuperServer[] = [];
  try {
    const { imap, imaps, pop3, pop3s } = options.ports;
    for (const spec of [service('imapd', imap, false), service('imapd', imaps, true), service('ipop3d', pop3, false), service('ipop3d', pop3s, true)]) {
      servers.push(await SuperServer.listen(spec));
    }
  } catch (error) {
    complain(`cannot listen: ${(error as Error).message} (another demo running? try --ports)`);
    await Promise.all(servers.map((server) => server.close(0)));
    return 1;
  }
  const [imap, imaps, pop3, pop3s] = servers.map((server) => server.port) as [number, number, number, number];
  // Listen for the stop signals before the banner invites them: a signal
  // that came between the two would take the default action and kill us.
  const stopped = new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  if (files.created) say(`Made the demo mail store in ${files.dir}.`);
  say(bannerText(files, { imap, imaps, pop3, pop3s }, HOST));

  await stopped;
  say('Stopping: waiting for open sessions to end.');
  await Promise.all(servers.map((server) => server.close(2000)));
  return 0;
}

void main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    complain((error as Error).message);
    process.exit(1);
  },
);
