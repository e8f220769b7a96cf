// Runs many fuzz sessions, several at once, each in its own worker's mail
// area, from one seeded PRNG per session: session i of campaign seed S is
// always the same bytes, so a failure is replayed with FUZZ_SEED=S
// FUZZ_ONLY=i. Collects the counts and the failures, with the session's
// bytes, and checks the servers' syslog lines at the end.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Random } from '../../../bench/random';
import { closeLog } from '../../../lib/log/syslog';
import { requireRoot } from '../../helpers/require';
import { SyslogListener, type SyslogRecord } from '../../helpers/syslog';
import { ensureTestUsers } from '../../helpers/users';
import { FuzzArea } from './mail-area';
import { count, type Outcome, type SessionRunner, type Worker } from './outcome';

export interface CampaignOptions<P> {
  readonly name: string;
  readonly sessions: number;
  readonly concurrency: number;
  readonly users: readonly string[];
  readonly plan: (random: Random, index: number) => P;
  readonly run: SessionRunner<P>;
}

export interface Failure {
  readonly index: number;
  readonly label: string;
  readonly problems: string[];
  readonly file: string;
  readonly input: Buffer;
  readonly output: Buffer;
}

export interface CampaignReport {
  readonly seed: number;
  readonly sessions: number;
  readonly commands: number;
  readonly responses: Readonly<Record<string, number>>;
  readonly failures: readonly Failure[];
  readonly seconds: number;
}

const FAILURE_DIRECTORY = '/tmp/fuzz-failures';
/** What the servers log when their safety nets catch something unexpected: a bug to look at. */
const SERVER_FAULT = /fatal error|failed unexpectedly|SERVERBUG|internal error|at session end failed|update failed|releasing INBOX|\b[A-Z]{3,4} failed user=/;
/** Sessions whose pid a syslog line may still name. */
const RECENT_SESSIONS = 200;

/** Session sizes: FUZZ_SESSIONS overrides; STRESS=1 picks the long run. */
export function sessionCount(quick: number, long: number): number {
  const override = Number(process.env.FUZZ_SESSIONS);
  if (Number.isInteger(override) && override > 0) return override;
  return process.env.STRESS ? long : quick;
}

function campaignSeed(): number {
  const given = Number(process.env.FUZZ_SEED);
  return Number.isInteger(given) && given >= 0 ? given >>> 0 : Math.floor(Math.random() * 0x100000000);
}

/** The PRNG seed of session `index` of a campaign. */
export function sessionSeed(seed: number, index: number): number {
  let hash = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x27d4eb2f);
  return (hash ^ (hash >>> 15)) >>> 0;
}

export async function runCampaign<P>(options: CampaignOptions<P>): Promise<CampaignReport> {
  const seed = campaignSeed();
  const only = process.env.FUZZ_ONLY === undefined ? undefined : Number(process.env.FUZZ_ONLY);
  const indexes = only === undefined ? Array.from({ length: options.sessions }, (_, index) => index) : [only];
  const started = Date.now();
  const syslog = SyslogListener.start();
  const failures: Failure[] = [];
  const responses: Record<string, number> = {};
  let commands = 0;
  let done = 0;
  let next = 0;
  // FUZZ_LOG: a file that follows a long run (progress every 500 sessions, failures at once).
  const progress = (line: string): void => {
    if (process.env.FUZZ_LOG) appendFileSync(process.env.FUZZ_LOG, `${new Date().toISOString()} ${line}\n`);
  };
  const record = (index: number, outcome: Outcome, problems: readonly string[]): void => {
    const existing = failures.find((failure) => failure.index === index);
    if (existing) {
      existing.problems.push(...problems);
      return;
    }
    mkdirSync(FAILURE_DIRECTORY, { recursive: true });
    const file = join(FAILURE_DIRECTORY, `${options.name}-${seed}-${index}`);
    writeFileSync(`${file}.in`, outcome.input);
    writeFileSync(`${file}.out`, outcome.output);
    const failure = { index, label: outcome.label, problems: [...problems], file, input: outcome.input, output: outcome.output };
    failures.push(failure);
    progress(describeFailure(options.name, seed, failure));
  };
  // Server faults in the syslog, matched to the session by pid. Only recent
  // sessions are kept (pids are reused), and the records are dropped once read.
  const recent = new Map<number, { readonly index: number; readonly outcome: Outcome }>();
  let unmatched: SyslogRecord[] = [];
  const sweep = (final: boolean): void => {
    const records = [...unmatched, ...syslog.records.splice(0)];
    unmatched = [];
    for (const entry of records) {
      if (!SERVER_FAULT.test(entry.message)) continue;
      const session = recent.get(entry.pid);
      if (session) record(session.index, session.outcome, [`syslog: ${entry.message.slice(0, 300)}`]);
      else if (!final) unmatched.push(entry);
      else failures.push({ index: -1, label: `pid ${entry.pid}`, problems: [`syslog line of an unknown session: ${entry.message.slice(0, 300)}`], file: '', input: Buffer.alloc(0), output: Buffer.alloc(0) });
    }
  };
  const workerLoop = async (worker: Worker): Promise<void> => {
    for (;;) {
      const index = indexes[next++];
      if (index === undefined) return;
      const random = new Random(sessionSeed(seed, index));
      const began = Date.now();
      const outcome = await options.run(worker, options.plan(random, index), random);
      if (process.env.FUZZ_TRACE) process.stdout.write(`# ${index} ${Date.now() - began} ms ${outcome.label} ${outcome.problems.join('; ')}\n`);
      if (outcome.pid !== undefined) {
        recent.delete(outcome.pid);
        recent.set(outcome.pid, { index, outcome });
        if (recent.size > RECENT_SESSIONS) recent.delete(recent.keys().next().value ?? 0);
      }
      commands += outcome.commands;
      for (const [kind, times] of Object.entries(outcome.responses)) count(responses, kind, times);
      if (outcome.problems.length > 0) record(index, outcome, outcome.problems);
      sweep(false);
      done += 1;
      if (done % 500 === 0) progress(`${options.name}: ${done}/${indexes.length} sessions, ${commands} commands, ${failures.length} failures`);
    }
  };
  const workers: Worker[] = [];
  try {
    for (let index = 0; index < Math.min(options.concurrency, indexes.length); index++) {
      const area = new FuzzArea(syslog.path, options.users);
      workers.push({ area, originals: await area.originals() });
    }
    await Promise.all(workers.map((worker) => workerLoop(worker)));
    // Datagrams sent just before a process exited may still be on their way.
    await new Promise((resolve) => setTimeout(resolve, 200));
    sweep(true);
    progress(`${options.name}: finished ${done} sessions, ${commands} commands, ${failures.length} failures`);
  } finally {
    for (const worker of workers) worker.area.remove();
    syslog.close();
    closeLog();
  }
  return { seed, sessions: indexes.length, commands, responses, failures, seconds: (Date.now() - started) / 1000 };
}

/** The figures for t.diagnostic. */
export function summary(name: string, report: CampaignReport): string {
  const kinds = Object.entries(report.responses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, times]) => `${kind} ${times}`)
    .join(', ');
  return `${name} fuzz: seed ${report.seed}, ${report.sessions} sessions, ${report.commands} commands sent, responses: ${kinds}; ` +
    `${report.failures.length} failures; ${report.seconds.toFixed(1)} s`;
}

/** A failing case, replayable: its seed and index, its problems, and its bytes. */
export function describeFailure(name: string, seed: number, failure: Failure): string {
  const input = failure.input.toString('latin1');
  const output = failure.output.toString('latin1');
  return [
    `${name} session ${failure.index} (replay: FUZZ_SEED=${seed} FUZZ_ONLY=${failure.index}) ${failure.label}`,
    ...failure.problems.slice(0, 8).map((problem) => `  - ${problem}`),
    `  input (${failure.input.length} bytes, all in ${failure.file}.in): ${JSON.stringify(input.length > 1200 ? `${input.slice(0, 1200)}...` : input)}`,
    `  output (${failure.output.length} bytes, in ${failure.file}.out), tail: ${JSON.stringify(output.slice(-800))}`,
  ].join('\n');
}

/** The body of a fuzz test: run the campaign (as root, with the PAM test user), print its figures, fail on any failure. */
export async function checkCampaign<P>(t: TestContext, title: string, options: CampaignOptions<P>): Promise<void> {
  if (!requireRoot(t)) return;
  ensureTestUsers();
  const report = await runCampaign(options);
  t.diagnostic(summary(title, report));
  const shown = report.failures.slice(0, 5).map((failure) => describeFailure(options.name, report.seed, failure));
  assert.equal(report.failures.length, 0, `${report.failures.length} failing sessions:\n${shown.join('\n')}`);
}
