// What the demo prints once it listens: where things are and how to connect
// with curl, openssl s_client and mutt.
import type { DemoFiles } from './setup';
import { DEMO_PASSWORD, DEMO_USER } from './setup';

export interface DemoPorts {
  readonly imap: number;
  readonly imaps: number;
  readonly pop3: number;
  readonly pop3s: number;
}

export function bannerText(files: DemoFiles, ports: DemoPorts, host: string): string {
  const login = `${DEMO_USER}:${DEMO_PASSWORD}`;
  return [
    `imapd demo: IMAP ${host}:${ports.imap}, IMAPS ${host}:${ports.imaps}, POP3 ${host}:${ports.pop3}, POP3S ${host}:${ports.pop3s}`,
    `Each connection starts bin/imapd or bin/ipop3d, as inetd would (the TLS ports with --tls).`,
    '',
    `  user ${DEMO_USER}, password ${DEMO_PASSWORD} (UW password file ${files.dir}/cram-md5.pwd)`,
    `  mail store ${files.spool}/${DEMO_USER} (INBOX) and folders in ${files.home}, served with the ids of ${files.owner}`,
    `  configuration ${files.configPath}; self-signed certificate for CN=localhost in ${files.dir}/certs`,
    '',
    'Plaintext passwords are accepted from loopback only because this is a demo',
    '(plaintext-hosts in imapd.cf). A production server refuses them without TLS:',
    'clients use port 993/995 or STARTTLS/STLS.',
    '',
    'Try:',
    `  curl -k imaps://${host}:${ports.imaps}/ -u ${login}                  (list the folders)`,
    `  curl -k 'imaps://${host}:${ports.imaps}/INBOX?ALL' -u ${login}       (search INBOX)`,
    `  curl -k 'imaps://${host}:${ports.imaps}/INBOX;UID=1' -u ${login}     (read message 1)`,
    `  curl -k pop3s://${host}:${ports.pop3s}/ -u ${login}                  (POP3 list)`,
    `  curl -k --ssl-reqd imap://${host}:${ports.imap}/ -u ${login}         (STARTTLS)`,
    `  openssl s_client -quiet -connect ${host}:${ports.imaps}             then: a LOGIN ${DEMO_USER} ${DEMO_PASSWORD}`,
    `  openssl s_client -quiet -starttls imap -connect ${host}:${ports.imap}`,
    `  openssl s_client -quiet -starttls pop3 -connect ${host}:${ports.pop3}   then: USER ${DEMO_USER}, PASS ${DEMO_PASSWORD}`,
    `  mutt -f imaps://${DEMO_USER}@${host}:${ports.imaps}/INBOX   (accept the certificate; password ${DEMO_PASSWORD})`,
    `  mutt -f pops://${DEMO_USER}@${host}:${ports.pop3s}/`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
