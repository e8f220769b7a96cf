// One line of `--check` output.
export type Level = 'ok' | 'warning' | 'error';

export interface Finding {
  readonly level: Level;
  /** What was checked: "certificate", "pam", "spool", ... */
  readonly subject: string;
  readonly text: string;
}

export const ok = (subject: string, text: string): Finding => ({ level: 'ok', subject, text });
export const warning = (subject: string, text: string): Finding => ({ level: 'warning', subject, text });
export const error = (subject: string, text: string): Finding => ({ level: 'error', subject, text });

/** Permission bits as ls shows them in octal, e.g. "0640". */
export function octalMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
