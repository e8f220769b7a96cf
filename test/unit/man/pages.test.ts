// The manual pages: mandoc's lint finds nothing, package.json installs every
// page, every executable has one, imapd.cf(5) documents exactly the options
// of lib/config/options.ts, and the EXAMPLES follow the FreeBSD guide.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfigText } from '../../../lib/config/config';
import { OPTIONS } from '../../../lib/config/options';
import { OPTION_EXAMPLES } from '../../../man/tools/option-examples';
import { renderOptionsSection, spliceGenerated } from '../../../man/tools/options-section';
import { ROOT } from '../../helpers/paths';
import { requireProgram } from '../../helpers/require';
import { MANDOC, MAN_DIR, documentedFlags, helpOptions, pageNames, pageSource, renderedText, sectionLines, sectionTitles, synopsisFlags, tagLines } from './manpage';

const packageJson = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { bin?: Record<string, string>; man?: string[] };
const SERVERS = ['imapd.8', 'ipop3d.8', 'ipop2d.8'];

describe('manual pages', () => {
  for (const name of pageNames()) {
    it(`mandoc -T lint reports nothing for ${name}`, (t) => {
      if (!requireProgram(t, MANDOC, 'mandoc')) return;
      const result = spawnSync(MANDOC, ['-T', 'lint', resolve(MAN_DIR, name)], { encoding: 'utf8' });
      assert.equal(result.stdout + result.stderr, '');
      assert.equal(result.status, 0);
    });
  }

  it('package.json "man" lists every page', () => {
    assert.deepEqual([...(packageJson.man ?? [])].sort(), pageNames().map((name) => `man/${name}`));
  });

  it('every executable in package.json "bin" has a section 8 page', () => {
    const pages = new Set(pageNames());
    for (const program of Object.keys(packageJson.bin ?? {})) assert.ok(pages.has(`${program}.8`), `man/${program}.8 is missing`);
  });

  for (const name of SERVERS) {
    it(`${name} has the sections an administrator looks for`, () => {
      const titles = sectionTitles(pageSource(name));
      for (const title of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'SIGNALS', 'TIMERS', 'LOGGING', 'EXIT STATUS', 'FILES', 'EXAMPLES', 'SEE ALSO']) {
        assert.ok(titles.includes(title), `${name} has no ${title} section`);
      }
    });
  }
});

describe('imapd.cf(5) options', () => {
  const source = pageSource('imapd.cf.5');

  it('lists exactly the options of lib/config/options.ts, in order', () => {
    const documented = tagLines(sectionLines(source, 'OPTIONS')).map((tag) => /^\.BI "(\S+) "/.exec(tag)?.[1]?.replace(/\\-/g, '-'));
    assert.deepEqual(documented, Object.keys(OPTIONS));
  });

  it('has an example for every option', () => {
    const missing = Object.keys(OPTIONS).filter((name) => !Object.hasOwn(OPTION_EXAMPLES, name));
    assert.deepEqual(missing, [], 'add them to man/tools/option-examples.ts, then run: npx tsx man/tools/generate.ts');
  });

  it('shows examples that the configuration parser accepts', (t) => {
    if (!requireProgram(t, MANDOC, 'mandoc')) return;
    const lines = renderedText('imapd.cf.5').split('\n').map((line) => line.trim());
    const perOption = lines.filter((line) => line.startsWith('Example: set ')).map((line) => line.slice('Example: '.length));
    assert.equal(perOption.length, Object.keys(OPTIONS).length);
    const start = lines.indexOf('# /etc/imapd.cf');
    assert.ok(start >= 0, 'the EXAMPLES file is missing');
    const sample = lines.slice(start, lines.indexOf('', start));
    assert.ok(sample.length > 2, 'the EXAMPLES file has no settings');
    for (const [origin, text] of [['per-option examples', perOption.join('\n')], ['EXAMPLES file', sample.join('\n')]] as const) {
      const values: Record<string, string> = {};
      const problems: string[] = [];
      parseConfigText(text, origin, values, problems);
      assert.deepEqual(problems, []);
    }
  });

  it('is up to date with the defaults and summaries (npx tsx man/tools/generate.ts)', () => {
    assert.equal(source, spliceGenerated(source, renderOptionsSection(OPTIONS, OPTION_EXAMPLES)));
  });
});

describe('EXAMPLES follow the FreeBSD guide', () => {
  // The guide's configuration, line for line (../shared/guide/000_1d6c2558c0f670ed.txt).
  const GUIDE_LINES = [
    'pop3 stream tcp nowait root /usr/local/libexec/ipop3d ipop3d',
    'imap4 stream tcp nowait root /usr/local/libexec/imapd imapd',
    'pop3s stream tcp nowait root /usr/local/libexec/ipop3d ipop3d',
    'imaps stream tcp nowait root /usr/local/libexec/imapd imapd',
    'imapd : ALL : allow',
    'ipop3d : ALL : allow',
    'imap auth required pam_unix.so',
    'imap account required pam_unix.so try_first_pass',
    'imap session required pam_deny.so',
    'pop3 auth required pam_unix.so',
    'pop3 account required pam_unix.so try_first_pass',
    'pop3 session required pam_deny.so',
    '# killall -HUP inetd',
    '# sockstat -l',
    'root inetd 123 6 tcp4 *:110 *:*',
    'root inetd 123 7 tcp4 *:995 *:*',
    'root inetd 123 8 tcp4 *:143 *:*',
    'root inetd 123 9 tcp4 *:993 *:*',
  ];
  const TODAY_LINES = [
    'ListenStream=143',
    'Accept=yes',
    'StandardInput=socket',
    'server          = /usr/local/libexec/imapd',
    '$ openssl s_client -connect mail.example.org:993',
    '$ openssl s_client -starttls imap -connect mail.example.org:143',
    'account  required pam_unix.so',
    'session  required pam_deny.so',
  ];

  it('imapd(8) shows the guide\'s setup and its modern equivalents, line for line', (t) => {
    if (!requireProgram(t, MANDOC, 'mandoc')) return;
    const text = renderedText('imapd.8');
    const lines = new Set(text.split('\n').map((line) => line.trim()));
    for (const line of [...GUIDE_LINES, ...TODAY_LINES]) assert.ok(lines.has(line), `imapd(8) lacks the line: ${line}`);
    for (const words of ['ss -ltn', 'imapd-mkcert', 'Common Name']) assert.ok(text.includes(words), `imapd(8) never mentions ${words}`);
  });

  it('ipop3d(8) shows the POP3 half of it', (t) => {
    if (!requireProgram(t, MANDOC, 'mandoc')) return;
    const lines = new Set(renderedText('ipop3d.8').split('\n').map((line) => line.trim()));
    for (const line of [GUIDE_LINES[0], GUIDE_LINES[2], GUIDE_LINES[5], ...GUIDE_LINES.slice(9, 12), '$ openssl s_client -quiet -starttls pop3 -connect mail.example.org:110']) {
      assert.ok(lines.has(line as string), `ipop3d(8) lacks the line: ${line}`);
    }
  });
});

describe('the option readers used by the --help drift test', () => {
  it('reads commander help, wrapped descriptions included', () => {
    const help = [
      'Usage: imapd [options]',
      '',
      'Options:',
      '  -c, --config <file>       configuration file (default: $IMAPD_CONFIG or',
      '                            /etc/imapd.cf)',
      '  --tls                     speak TLS from the first byte',
      '  -h, --help                print this help and exit',
    ].join('\n');
    assert.deepEqual(helpOptions(help), [['-c', '--config'], ['--tls'], ['-h', '--help']]);
  });

  it('reads the flags of a page\'s OPTIONS tags and SYNOPSIS', () => {
    const page = [
      '.SH SYNOPSIS',
      '.B imapd',
      '.RB [ \\-c',
      '.IR file ]',
      '.RB [ \\-\\-tls ]',
      '.br',
      '.B imapd',
      '.BR \\-h " | " \\-V',
      '.SH OPTIONS',
      '.TP',
      '\\fB\\-c\\fR, \\fB\\-\\-config\\fR \\fIfile\\fR',
      'Read a file named imapd\\-mkcert \\-\\-not\\-a\\-tag.',
      '.TP',
      '\\fB\\-\\-tls\\fR',
      '.SH FILES',
    ].join('\n');
    assert.deepEqual(documentedFlags(page), ['--config', '--tls', '-c']);
    assert.deepEqual(synopsisFlags(page), ['--tls', '-V', '-c', '-h']);
  });
});
