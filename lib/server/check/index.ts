// `--check`, like `doveconf -n`: the effective settings, then findings about
// the installation, one per line. Exit status 1 when any finding is an error.
// Output goes to stdout: this is an administrator's command in a terminal.
import { existsSync, writeSync } from 'node:fs';
import type { Config } from '../../config/config';
import { OPTIONS, type OptionName } from '../../config/options';
import type { Program } from '../bootstrap';
import { checkCertificate } from './certificate';
import { error, ok, warning, type Finding } from './finding';
import { checkHostsFiles } from './hosts';
import { checkPam } from './pam';
import { checkPasswordFile } from './password-file';
import { checkSpool } from './spool';

export function collectFindings(program: Program, config: Config): Finding[] {
  return [
    ...configFindings(config),
    ...checkCertificate(program, config),
    ...checkPam(program === 'imapd' ? 'imap' : 'pop3', config),
    ...checkPasswordFile(config),
    ...checkSpool(config),
    ...checkHostsFiles(config),
    ...nologinFindings(config),
  ];
}

export function formatSettings(program: Program, config: Config): string {
  const source = existsSync(config.path) ? config.path : `${config.path} (not present: defaults)`;
  const lines = [`# ${program} effective settings from ${source}`];
  for (const name of Object.keys(OPTIONS) as OptionName[]) {
    const value = config.string(name);
    lines.push(`set ${name}${value === '' ? '' : ` ${value}`}${value === OPTIONS[name].default ? '' : '    # changed from the default'}`);
  }
  return lines.join('\n') + '\n';
}

export function formatFindings(findings: readonly Finding[]): string {
  return findings.map((finding) => `${finding.level.padEnd(9)}${finding.subject}: ${finding.text}\n`).join('');
}

/** Prints settings and findings to stdout; returns the exit status. */
export function runCheck(program: Program, config: Config): number {
  const findings = collectFindings(program, config);
  const errors = findings.filter((finding) => finding.level === 'error').length;
  const warnings = findings.filter((finding) => finding.level === 'warning').length;
  const summary = `# ${program} --check: ${errors} error(s), ${warnings} warning(s)\n`;
  writeSync(1, `${formatSettings(program, config)}\n# findings\n${formatFindings(findings)}${summary}`);
  return errors > 0 ? 1 : 0;
}

function configFindings(config: Config): Finding[] {
  if (config.problems.length === 0) return [ok('config', `${config.path}${existsSync(config.path) ? '' : ' not present'}: no problems`)];
  return config.problems.map((problem) => error('config', problem));
}

function nologinFindings(config: Config): Finding[] {
  const path = config.string('nologin-file');
  return path !== '' && existsSync(path) ? [warning('nologin', `${path} exists: every login is refused`)] : [];
}
