// Mailbox scenarios: SELECT (first open, reopen), FETCH of every message's
// summary, SEARCH TEXT, STORE + EXPUNGE, and a whole POP3 session. Each
// run starts from a fresh copy of the generated mbox; before every timed
// session the floor, `cat INBOX > /dev/null` with the page cache warm, is
// measured in the same run. Every server process carries the peak-memory
// probe. A scenario the server cannot do yet (NO, BAD, a closed
// connection) is reported as not available, with the server's answer.
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CommandFailedError, ImapSession, Pop3Session, type Login } from '../clients';
import { SEARCH_ABSENT, SEARCH_PRESENT } from '../generate';
import { installInbox, serverLaunch, type MailHome } from '../mailhome';
import { takePeakRss, timeSpawn } from '../processes';
import { ratioGoal, type Figure, type Goal } from '../report';
import { summarize } from '../stats';

export interface MailboxBench {
  readonly home: MailHome;
  /** The generated mbox every run starts from. */
  readonly pristine: string;
  readonly count: number;
  readonly runs: number;
  readonly timeoutSeconds: number;
  readonly wanted: (id: string) => boolean;
  readonly progress: (text: string) => void;
}

interface Measured {
  readonly seconds: number;
  readonly note: string;
}

interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly goal: Goal;
  measure(bench: MailboxBench, rssFile: string): Promise<Measured>;
}

/** What the untagged responses of a timed command said. */
class Observed {
  exists: number | undefined;
  fetches = 0;
  searchHits: number | undefined;
  expunged = 0;

  readonly watch = (line: string): void => {
    if (!line.startsWith('* ')) return;
    const numbered = /^\* (\d+) (EXISTS|FETCH|EXPUNGE)\b/i.exec(line);
    if (numbered) {
      const kind = (numbered[2] ?? '').toUpperCase();
      if (kind === 'EXISTS') this.exists = Number(numbered[1]);
      else if (kind === 'FETCH') this.fetches++;
      else this.expunged++;
    } else if (/^\* SEARCH\b/i.test(line)) {
      this.searchHits = line.split(' ').length - 2;
    }
  };
}

const FETCH_ITEMS = '(UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)';

function loginOf(home: MailHome): Login {
  return { user: home.user, password: home.password };
}

function expect(what: string, actual: number | undefined, expected: number): string {
  return actual === expected ? `${what} ${actual}` : `${what} ${actual ?? 'none'} (expected ${expected})`;
}

/** An IMAP scenario: untimed `setup` commands, then the timed `commands`. */
function imapScenario(
  id: string,
  title: string,
  goal: Goal,
  setup: readonly string[],
  commands: readonly string[],
  describe: (observed: Observed, bench: MailboxBench) => string,
): Scenario {
  return {
    id,
    title,
    goal,
    async measure(bench, rssFile) {
      const launch = serverLaunch(bench.home, 'imapd', { rssFile });
      const session = await ImapSession.open(launch, loginOf(bench.home), bench.timeoutSeconds);
      try {
        const observed = new Observed();
        let seconds = 0;
        for (const [index, command] of [...setup, ...commands].entries()) {
          const timed = index >= setup.length;
          const reply = await session.command(command, timed ? observed.watch : undefined);
          if (!reply.ok) throw new CommandFailedError(`${command.split(' ')[0]}: ${reply.status}`);
          if (timed) seconds += reply.seconds;
        }
        await session.logout();
        return { seconds, note: describe(observed, bench) };
      } catch (error) {
        await session.abandon();
        throw error;
      }
    },
  };
}

const POP3_SCENARIO: Scenario = {
  id: 'pop3',
  title: 'POP3: PASS, STAT, UIDL, RETR all, QUIT',
  goal: ratioGoal(3),
  async measure(bench, rssFile) {
    // ipop3d starts as root when we are root, as inetd starts it.
    const launch = serverLaunch(bench.home, 'ipop3d', { rssFile, asRoot: true });
    const session = await Pop3Session.open(launch, bench.timeoutSeconds);
    try {
      const started = performance.now();
      await session.login(loginOf(bench.home));
      const stat = await session.simple('STAT');
      if (!stat.startsWith('+OK')) throw new CommandFailedError(`STAT: ${stat}`);
      const messages = Number(stat.split(' ')[1]);
      const uidl = await session.multiline('UIDL');
      if (!uidl.status.startsWith('+OK')) throw new CommandFailedError(`UIDL: ${uidl.status}`);
      const retrieved = await session.retrieveAll(messages);
      const quit = await session.simple('QUIT');
      const seconds = (performance.now() - started) / 1000;
      if (!quit.startsWith('+OK')) throw new CommandFailedError(`QUIT: ${quit}`);
      await session.finished();
      const refused = retrieved.refused > 0 ? `, ${retrieved.refused} RETR refused` : '';
      return { seconds, note: `${expect('messages', messages, bench.count)}, ${(retrieved.bytes / 2 ** 20).toFixed(0)} MiB retrieved${refused}` };
    } catch (error) {
      await session.abandon();
      throw error;
    }
  },
};

/** In the order each run performs them; EXPUNGE last, as it changes the mailbox. */
const SCENARIOS: readonly Scenario[] = [
  imapScenario('select-first', 'SELECT INBOX, first open', ratioGoal(3), [], ['SELECT INBOX'], (o, b) => expect('EXISTS', o.exists, b.count)),
  imapScenario('select-reopen', 'SELECT INBOX, reopen', ratioGoal(1), [], ['SELECT INBOX'], (o, b) => expect('EXISTS', o.exists, b.count)),
  imapScenario('fetch-all', `FETCH 1:* ${FETCH_ITEMS}`, ratioGoal(2), ['SELECT INBOX'], [`FETCH 1:* ${FETCH_ITEMS}`], (o, b) => expect('FETCH responses', o.fetches, b.count)),
  imapScenario('search-absent', 'SEARCH TEXT, absent string', ratioGoal(10), ['SELECT INBOX'], [`SEARCH TEXT ${SEARCH_ABSENT}`], (o) => expect('hits', o.searchHits, 0)),
  imapScenario('search-present', 'SEARCH TEXT, string in 1%', ratioGoal(10), ['SELECT INBOX'], [`SEARCH TEXT ${SEARCH_PRESENT}`], (o, b) => expect('hits', o.searchHits, Math.floor((b.count + 49) / 100))),
  POP3_SCENARIO,
  imapScenario('expunge', 'STORE 2 +FLAGS (\\Deleted), EXPUNGE', ratioGoal(5), ['SELECT INBOX'], ['STORE 2 +FLAGS (\\Deleted)', 'EXPUNGE'], (o) => expect('EXPUNGE responses', o.expunged, 1)),
];

function timeCat(path: string): Promise<number> {
  const devNull = openSync('/dev/null', 'w');
  return timeSpawn('cat', [path], { stdio: ['ignore', devNull, 'ignore'] }).finally(() => closeSync(devNull));
}

export async function mailboxScenarios(bench: MailboxBench): Promise<Figure[]> {
  const scenarios = SCENARIOS.filter((scenario) => bench.wanted(scenario.id));
  const samples = new Map(scenarios.map((scenario) => [scenario.id, { seconds: [] as number[], floor: [] as number[], peak: 0, note: '' }]));
  const unavailable = new Map<string, string>();
  const rssFile = join(bench.home.directory, 'rss.txt');
  for (let run = 0; run < bench.runs; run++) {
    installInbox(bench.home, bench.pristine);
    await timeCat(bench.home.inbox); // page cache warm for the floor
    for (const scenario of scenarios) {
      if (unavailable.has(scenario.id)) continue;
      const record = samples.get(scenario.id);
      if (!record) continue;
      const floor = await timeCat(bench.home.inbox);
      bench.progress(`run ${run + 1}/${bench.runs}: ${scenario.title}`);
      try {
        const measured = await scenario.measure(bench, rssFile);
        record.seconds.push(measured.seconds);
        record.floor.push(floor);
        record.note = measured.note;
      } catch (error) {
        unavailable.set(scenario.id, `not available (run ${run + 1}): ${(error as Error).message}`);
      }
      record.peak = Math.max(record.peak, takePeakRss(rssFile) ?? 0);
    }
  }
  return scenarios.map((scenario): Figure => {
    const record = samples.get(scenario.id);
    const measured = record !== undefined && record.seconds.length > 0 && !unavailable.has(scenario.id);
    return {
      id: scenario.id,
      title: scenario.title,
      unit: 'seconds',
      value: measured ? summarize(record.seconds) : undefined,
      floor: measured ? { name: 'cat', summary: summarize(record.floor) } : undefined,
      goal: scenario.goal,
      note: unavailable.get(scenario.id) ?? record?.note,
      peakRss: record && record.peak > 0 ? record.peak : undefined,
    };
  });
}
