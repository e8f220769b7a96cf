// `npm run bench`: builds, generates (or reuses) the benchmark mailbox, runs
// every scenario against the built executables, prints a table and writes
// bench/results.json. Every figure is compared with a floor measured in
// the same run. Options:
//   --large            100,000 messages (about 1 GB) instead of 10,000
//   --count N          any other number of messages
//   --seed S           generator seed (default 1)
//   --runs N           runs per mailbox scenario, median reported (default 5)
//   --startup-runs N   start-up pairs (default 4 × runs)
//   --only a,b         scenario ids: startup-pipe startup-tcp memory select-first
//                      select-reopen fetch-all search-absent search-present pop3 expunge
//   --user NAME        unprivileged user the servers run as when run by root (default nobody)
//   --timeout S        longest a scenario session may take (default 900)
//   --out PATH         where to write the JSON (default bench/results.json)
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { cachedMbox } from './generate';
import { createMailHome, removeMailHome, serverLaunch, type Launch, type MailHome } from './mailhome';
import { ROOT, RSS_PROBE, takePeakRss, timeSpawn } from './processes';
import { formatTable, writeResults, type Figure } from './report';
import { mailboxScenarios } from './scenarios/mailbox';
import { pipeStartup, tcpStartup } from './scenarios/startup';
import { summarize } from './stats';

const { values } = parseArgs({
  options: {
    large: { type: 'boolean', default: false },
    count: { type: 'string' },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
    'startup-runs': { type: 'string' },
    only: { type: 'string' },
    user: { type: 'string', default: 'nobody' },
    timeout: { type: 'string', default: '900' },
    out: { type: 'string', default: join(ROOT, 'bench', 'results.json') },
  },
});

const count = Number(values.count ?? (values.large ? 100_000 : 10_000));
const seed = Number(values.seed);
const runs = Number(values.runs);
const startupRuns = Number(values['startup-runs'] ?? runs * 4);
const only = values.only?.split(',').map((id) => id.trim());
const wanted = (id: string): boolean => only === undefined || only.includes(id);

function progress(text: string): void {
  process.stderr.write(`\r\x1b[K${text}`);
}

/** The servers' shebang finds node on PATH: make it the node that runs the floors. */
function withOurNode(launch: Launch): Launch {
  return { ...launch, env: { ...launch.env, PATH: `${dirname(process.execPath)}${delimiter}${launch.env.PATH ?? ''}` } };
}

async function memoryFigure(home: MailHome, scenarioFigures: readonly Figure[]): Promise<Figure> {
  const rssFile = join(home.directory, 'rss-node.txt');
  const baseline: number[] = [];
  for (let run = 0; run < runs; run++) {
    await timeSpawn(process.execPath, ['--require', RSS_PROBE, '-e', '0'], { env: { ...process.env, BENCH_RSS_FILE: rssFile } });
    const peak = takePeakRss(rssFile);
    if (peak !== undefined) baseline.push(peak);
  }
  const peaks = scenarioFigures.flatMap((figure) => (figure.peakRss === undefined ? [] : [figure.peakRss]));
  const heaviest = scenarioFigures.find((figure) => figure.peakRss === Math.max(...peaks));
  return {
    id: 'memory',
    title: `peak RSS of the mailbox scenarios (${count.toLocaleString('en')} messages)`,
    unit: 'bytes',
    value: peaks.length > 0 ? summarize([Math.max(...peaks)]) : undefined,
    floor: baseline.length > 0 ? { name: 'node -e 0', summary: summarize(baseline) } : undefined,
    goal: { text: '≤ 1.5× floor + 100 B/msg', limit: (floor) => floor * 1.5 + 100 * count },
    note: heaviest ? `largest in: ${heaviest.title}` : 'no mailbox scenario ran',
  };
}

function machine(): Record<string, unknown> {
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    // The executables are built from the working tree, which may differ from the commit.
    const changed = execFileSync('git', ['status', '--porcelain', '--', 'lib', 'bin', 'build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    if (changed.trim() !== '') commit += '-dirty';
  } catch {
    commit = undefined;
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    commit,
  };
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'imapd.cjs'))) throw new Error('dist/imapd.cjs is missing: run `node build.mjs` first (npm run bench does)');
  progress(`generating ${count} messages (seed ${seed}; cached in bench/data)…`);
  const mbox = cachedMbox({ seed, count });
  const home = createMailHome(values.user);
  const figures: Figure[] = [];
  try {
    const preauth = withOurNode(serverLaunch(home, 'imapd'));
    if (wanted('startup-pipe')) {
      progress('start-up over a pipe…');
      figures.push(await pipeStartup(preauth, startupRuns));
    }
    if (wanted('startup-tcp')) {
      progress('start-up through the TCP superserver…');
      figures.push(await tcpStartup(withOurNode(serverLaunch(home, 'imapd', { asRoot: true })), startupRuns));
    }
    const mailbox = await mailboxScenarios({ home, pristine: mbox, count, runs, timeoutSeconds: Number(values.timeout), wanted, progress });
    figures.push(...mailbox);
    if (wanted('memory')) figures.push(await memoryFigure(home, mailbox));
  } finally {
    removeMailHome(home);
    progress('');
  }
  const context = {
    date: new Date().toISOString(),
    machine: machine(),
    mailbox: { seed, messages: count, bytes: statSync(mbox).size },
    runs,
    startupRuns,
  };
  process.stdout.write(`${count.toLocaleString('en')} messages, ${(statSync(mbox).size / 2 ** 20).toFixed(0)} MiB; median of ${runs} runs (start-up: ${startupRuns})\n\n`);
  process.stdout.write(`${formatTable(figures)}\n`);
  writeResults(values.out, context, figures);
  process.stdout.write(`\nwritten to ${values.out}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`\nbench: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
