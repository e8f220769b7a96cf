// What the load test counts, and what it holds against the servers.
//
// A protocol error is anything a correct server under contention would not
// do: a BAD answer, NO or -ERR where the command must work, NO [SERVERBUG],
// an untagged BYE/NO/BAD outside LOGOUT, a closed connection or a silence
// past the hang timer, an answer that breaks the grammar, and served bytes
// that differ from what was stored. Contention answers are counted apart:
// a second session's SELECT getting [READ-ONLY], a read-only session's
// STORE/MOVE/EXPUNGE refused with NO, NO [INUSE], NO [EXPUNGEISSUE] after a
// FETCH met a message another session expunged (the others are served),
// POP3's -ERR [IN-USE] (after which the server closes the connection), and a
// mailbox lock not obtained within its 20 s (IMAP NO [UNAVAILABLE] "is locked
// by another process", POP3 -ERR [SYS/TEMP] at login or QUIT): the command
// did nothing, which the final check holds the servers to.

export class LoadError extends Error {}

export type Transport = 'plain' | 'starttls' | 'implicit';

export class LoadFigures {
  imapSessions = 0;
  popSessions = 0;
  readonly transports: Record<Transport, number> = { plain: 0, starttls: 0, implicit: 0 };
  apopLogins = 0;
  commands = 0;
  fetched = 0;
  appended = 0;
  copied = 0;
  moved = 0;
  expunged = 0;
  popDeleted = 0;
  readOnlySelects = 0;
  readOnlyRefusals = 0;
  inUse = 0;
  expungeIssues = 0;
  lockTimeouts = 0;
  open = 0;
  peakOpen = 0;
  readonly errors: string[] = [];

  get sessions(): number {
    return this.imapSessions + this.popSessions;
  }

  /** Wraps one session: counts it as open while it runs and records its failure. */
  async session(label: string, run: () => Promise<void>): Promise<boolean> {
    this.open += 1;
    this.peakOpen = Math.max(this.peakOpen, this.open);
    try {
      await run();
      return true;
    } catch (error) {
      this.errors.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    } finally {
      this.open -= 1;
    }
  }

  summary(seconds: number): string[] {
    const rate = (count: number): string => (count / seconds).toFixed(1);
    return [
      `sessions ${this.sessions} (IMAP ${this.imapSessions}, POP3 ${this.popSessions}; plain ${this.transports.plain}, STARTTLS/STLS ${this.transports.starttls}, implicit TLS ${this.transports.implicit}; APOP ${this.apopLogins}), peak ${this.peakOpen} open at once`,
      `commands ${this.commands}; messages fetched ${this.fetched}, appended ${this.appended}, copied ${this.copied}, moved ${this.moved}, expunged ${this.expunged}, deleted by POP3 ${this.popDeleted}`,
      `contention answers: SELECT read-only ${this.readOnlySelects}, NO on a read-only mailbox ${this.readOnlyRefusals}, in use ${this.inUse}, FETCH met an expunged message ${this.expungeIssues}, lock wait timed out ${this.lockTimeouts}`,
      `throughput over ${seconds.toFixed(1)} s: ${rate(this.sessions)} sessions/s, ${rate(this.commands)} commands/s`,
      `protocol errors ${this.errors.length}`,
    ];
  }
}
