// imapd-mkcert: makes a key and a self-signed certificate the way UW's
// `make cert` did and installs imapd.pem plus the ipop3d.pem link. It asks for
// the Common Name, which must be the server's fully qualified domain name or
// clients warn on every connection. An administrator's command: it talks on
// the terminal.
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Command, InvalidArgumentError } from 'commander';
import { version } from '../../package.json';
import { loadConfig } from '../config/config';
import { fullyQualifiedHostname } from './hostname';
import { installPem } from './install';
import { makeSelfSignedPem, type KeyType } from './self-signed';

interface Options {
  dir?: string;
  days: number;
  cn?: string;
  keyType: KeyType;
  force?: boolean;
}

const say = (text: string): void => void writeSync(1, `${text}\n`);
const complain = (text: string): void => void writeSync(2, `imapd-mkcert: ${text}\n`);

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number of days');
  return Number(value);
}

function keyType(value: string): KeyType {
  if (value !== 'rsa' && value !== 'ec') throw new InvalidArgumentError('expected rsa or ec');
  return value;
}

async function askCommonName(fallback: string): Promise<string> {
  if (!process.stdin.isTTY) return fallback;
  say('The Common Name must be this server\'s fully qualified domain name, the name clients connect to;');
  say('otherwise they warn on every TLS connection.');
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = (await prompt.question(`Common Name [${fallback}]: `)).trim();
    return answer === '' ? fallback : answer;
  } finally {
    prompt.close();
  }
}

async function main(): Promise<number> {
  const command = new Command('imapd-mkcert')
    .description('Make a private key and self-signed certificate for imapd and ipop3d, as UW\'s "make cert" did.')
    .option('--dir <directory>', 'where to install imapd.pem and the ipop3d.pem link (default: cert-directory from the configuration, /etc/ssl/certs)')
    .option('--days <n>', 'validity in days', wholeNumber, 365)
    .option('--cn <name>', 'Common Name: the server\'s fully qualified domain name (default: ask, offering hostname -f)')
    .option('--key-type <type>', 'rsa (2048 bits) or ec (P-256)', keyType, 'rsa' as KeyType)
    .option('--force', 'replace an existing imapd.pem and ipop3d.pem')
    .version(version, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'print this help and exit')
    .allowExcessArguments(false);
  command.parse();
  const options = command.opts<Options>();
  const directory = options.dir ?? loadConfig().string('cert-directory');
  const cn = options.cn ?? (await askCommonName(fullyQualifiedHostname()));
  try {
    const pem = makeSelfSignedPem({ cn, days: options.days, keyType: options.keyType });
    const result = installPem(directory, pem, options.force === true);
    say(`Installed ${result.pemPath} (private key and certificate for CN=${cn}, valid ${options.days} days, mode 0600).`);
    say(result.linkPath ? `${result.linkPath} -> imapd.pem` : `${directory}/ipop3d.pem exists and is not a link; left alone (use --force).`);
    return 0;
  } catch (error) {
    complain((error as Error).message);
    return 1;
  }
}

void main().then((status) => process.exit(status));
