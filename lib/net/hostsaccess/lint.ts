// What `--check` should say about a hosts.allow or hosts.deny file: lines
// libwrap skips, options that would refuse every client the rule matches,
// and patterns that can never match here. Statically, without a client.
import { applyOptions } from './options';
import { listTokens, parseAccessTable, splitAt } from './table';

export function accessTableProblems(text: string, file: string): string[] {
  const table = parseAccessTable(text, file);
  const problems = [...table.problems];
  for (const rule of table.rules) {
    const where = `${file}:${rule.line}`;
    if (rule.options !== undefined) {
      const outcome = applyOptions(rule.options);
      if (outcome.kind === 'refuse') problems.push(`${where}: ${outcome.why}; matching clients are refused`);
    }
    for (const token of listTokens(rule.clients)) {
      const host = splitAt(token, '@', 1);
      if (token.startsWith('@')) problems.push(`${where}: NIS netgroup ${token} is not supported and never matches`);
      else if (host && !/^(ALL|UNKNOWN)$/i.test(host[0])) problems.push(`${where}: ${token}: client user names are never looked up (no RFC 931), so only ALL@ and UNKNOWN@ can match`);
    }
  }
  return problems;
}
