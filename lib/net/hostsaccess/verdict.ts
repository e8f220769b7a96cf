// hosts_access(5)'s decision: the first matching rule in hosts.allow grants,
// otherwise the first matching rule in hosts.deny refuses, otherwise the
// client is let in. Options on the matched rule (hosts_options(5)) may
// override that, whichever file the rule is in.
import { applyOptions } from './options';
import { matchesClientTokens, matchesDaemonList, type AccessRequest } from './patterns';
import type { AccessTable } from './table';

export interface AccessVerdict {
  readonly allowed: boolean;
  /** Which rule decided and why, for the log line and `--check`. */
  readonly reason: string;
  /** A `severity` option of the deciding rule ([facility.]level). */
  readonly severity?: string;
}

export function decideAccess(allow: AccessTable, deny: AccessTable, request: AccessRequest): AccessVerdict {
  for (const [table, grants] of [[allow, true], [deny, false]] as const) {
    for (const rule of table.rules) {
      if (!matchesDaemonList(rule.daemons, request) || !matchesClientTokens(rule.clients, request)) continue;
      const where = `${rule.file}:${rule.line}`;
      if (rule.options === undefined) return { allowed: grants, reason: where };
      const outcome = applyOptions(rule.options);
      if (outcome.kind === 'refuse') return { allowed: false, reason: `${where}: ${outcome.why}` };
      const allowed = outcome.kind === 'continue' ? grants : outcome.kind === 'allow';
      return { allowed, reason: where, ...(outcome.severity ? { severity: outcome.severity } : {}) };
    }
  }
  return { allowed: true, reason: 'no matching rule' };
}
