// Every setting the servers understand, with its default. The same table
// drives the configuration file parser, `--set`, `--check` and the
// imapd.cf(5) manual page, so a setting documented in one place exists in all.

export type OptionKind = 'string' | 'path' | 'boolean' | 'seconds' | 'bytes' | 'list';

export interface OptionSpec {
  readonly kind: OptionKind;
  readonly default: string;
  readonly summary: string;
}

export const OPTIONS = {
  'spool-directory': { kind: 'path', default: '/var/mail', summary: 'Directory of the users\' INBOX spool files (USER inside it).' },
  'mail-subdirectory': { kind: 'string', default: '', summary: 'Folder area below the home directory (for example "mail"); empty means the home directory itself, as in UW.' },
  'home-template': { kind: 'string', default: '', summary: 'Overrides the home directory from the password database; %u is replaced by the user name.' },
  'virtual-owner': { kind: 'string', default: '', summary: 'System account whose uid/gid serve password-file users that have no system account (demo setups). Empty: such users cannot log in.' },
  'allow-outside-names': { kind: 'boolean', default: 'no', summary: 'Allow mailbox names outside the mail area (absolute paths, ../, ~user), as UW did with restrictBox off.' },
  'password-file': { kind: 'path', default: '/etc/cram-md5.pwd', summary: 'UW-style password file (user<TAB>password). Where it exists it enables CRAM-MD5 and APOP and is the password source for those users.' },
  'pam-service-imap': { kind: 'string', default: 'imap', summary: 'PAM service name used by imapd.' },
  'pam-service-pop3': { kind: 'string', default: 'pop3', summary: 'PAM service name used by ipop3d and ipop2d.' },
  'disable-plaintext': { kind: 'boolean', default: 'yes', summary: 'Refuse plaintext passwords (LOGIN, USER/PASS, AUTH PLAIN/LOGIN, POP2 HELO) on connections without TLS.' },
  'plaintext-hosts': { kind: 'list', default: '', summary: 'Client addresses (hosts_access patterns) allowed to send plaintext passwords without TLS even when disable-plaintext is on, for example "127.0.0.1 [::1]".' },
  'cert-directory': { kind: 'path', default: '/etc/ssl/certs', summary: 'Where PROGRAM.pem (certificate, optionally with key) is looked for. /usr/local/certs is tried as well.' },
  'key-directory': { kind: 'path', default: '/etc/ssl/private', summary: 'Where PROGRAM.pem (private key) is looked for when the certificate file holds no key.' },
  'hosts-allow': { kind: 'path', default: '/etc/hosts.allow', summary: 'tcp_wrappers allow file.' },
  'hosts-deny': { kind: 'path', default: '/etc/hosts.deny', summary: 'tcp_wrappers deny file.' },
  'syslog-socket': { kind: 'path', default: '/dev/log', summary: 'Local syslog socket; lines are dropped silently when it is missing.' },
  'nologin-file': { kind: 'path', default: '/etc/nologin', summary: 'When this file exists, logins are refused with its text.' },
  'mlock-helper': { kind: 'path', default: '/usr/bin/mlock', summary: 'UW\'s setgid mlock helper, used when the spool directory is not writable by the user.' },
  'login-failure-delay': { kind: 'seconds', default: '3', summary: 'Pause after each failed login, as UW did, to slow down password guessing.' },
  'login-timeout': { kind: 'seconds', default: '180', summary: 'Idle time allowed before authentication.' },
  'imap-timeout': { kind: 'seconds', default: '1800', summary: 'Idle time allowed in an authenticated IMAP session (RFC 3501 minimum: 30 minutes).' },
  'pop3-timeout': { kind: 'seconds', default: '600', summary: 'Idle time allowed in an authenticated POP3 session.' },
  'max-line': { kind: 'bytes', default: '65536', summary: 'Longest command line accepted.' },
  'max-literal': { kind: 'bytes', default: '67108864', summary: 'Largest literal (and so largest appended message) accepted.' },
  'preauth': { kind: 'boolean', default: 'yes', summary: 'When started by an ordinary user, greet with PREAUTH as that user.' },
  'pop3-expire': { kind: 'string', default: 'NEVER', summary: 'Value advertised in the POP3 EXPIRE capability.' },
  'pop3-login-delay': { kind: 'seconds', default: '0', summary: 'Minimum seconds between POP3 logins, advertised as LOGIN-DELAY; 0 disables it.' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

export function isOptionName(name: string): name is OptionName {
  return Object.hasOwn(OPTIONS, name);
}
