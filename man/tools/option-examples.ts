// One realistic `set` value per configuration option, shown in imapd.cf(5).
// Each example changes the default to something an administrator would
// actually write; the page test fails when an option has none.
import type { OptionName } from '../../lib/config/options';

export const OPTION_EXAMPLES: Partial<Record<OptionName, string>> = {
  'spool-directory': '/var/spool/mail',
  'mail-subdirectory': 'mail',
  'home-template': '/home/%u',
  'virtual-owner': 'vmail',
  'allow-outside-names': 'yes',
  'password-file': '/usr/local/etc/cram-md5.pwd',
  'pam-service-imap': 'imapd',
  'pam-service-pop3': 'pop',
  'disable-plaintext': 'no',
  'plaintext-hosts': '127.0.0.1 [::1] 192.168.1.0/24',
  'cert-directory': '/usr/local/certs',
  'key-directory': '/usr/local/etc/ssl/private',
  'hosts-allow': '/etc/imapd.allow',
  'hosts-deny': '/etc/imapd.deny',
  'syslog-socket': '/var/run/log',
  'nologin-file': '/run/nologin',
  'mlock-helper': '/usr/local/libexec/mlock',
  'login-failure-delay': '5',
  'login-timeout': '60',
  'imap-timeout': '3600',
  'pop3-timeout': '300',
  'max-line': '131072',
  'max-literal': '26214400',
  'preauth': 'no',
  'pop3-expire': '30',
  'pop3-login-delay': '300',
};
