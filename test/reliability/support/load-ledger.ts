// Every message the load test put anywhere, by Message-ID: its bytes as the
// servers must serve them (CRLF lines), and how many copies each user's
// mailbox should hold. Counts change only when the server said OK; a
// session that fails leaves the messages it was handling in doubt (any
// count is then accepted for them, and the failure is reported anyway).
import { randomBytes } from 'node:crypto';

export const FOLDERS = ['INBOX', 'Load', 'Archive'] as const;
export type Folder = (typeof FOLDERS)[number];

/** What an appended message is for; the subject says so too. */
export type Purpose = 'seed' | 'keep' | 'self' | 'move' | 'pop' | 'folder';

export interface TrackedMessage {
  readonly id: string;
  readonly text: Buffer;
}

let serial = 0;

/** A new message with a unique Message-ID; one in four bodies is larger, some lines need POP3 dot-stuffing. */
export function makeMessage(user: string, purpose: Purpose): TrackedMessage {
  serial += 1;
  const id = `${purpose}.${serial}.${randomBytes(6).toString('hex')}@load.test`;
  const lines = 5 + Math.floor(Math.random() * (serial % 4 === 0 ? 2000 : 60));
  const body: string[] = [];
  for (let n = 0; n < lines; n++) body.push(n % 17 === 3 ? `.dot line ${n} of ${id}` : `line ${n} of ${id}, text to fill the message up a little`);
  const text = [
    'From: Load Tester <load@example.org>',
    `To: ${user}@localhost`,
    `Subject: load ${purpose} ${serial}`,
    `Message-ID: <${id}>`,
    'Date: Mon, 4 Mar 2024 09:12:00 +0000',
    '',
    ...body,
    '',
  ].join('\r\n');
  return { id, text: Buffer.from(text, 'latin1') };
}

/** The Message-ID of a served message (or its header), without brackets. */
export function messageIdOf(data: string): string | undefined {
  return /^Message-ID:\s*<([^>\r\n]+)>/im.exec(data)?.[1];
}

export class Ledger {
  private readonly texts = new Map<string, Buffer>();
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly doubtful = new Set<string>();
  /** Per user: messages appended for POP3 to delete, by their UIDL. */
  private readonly forPop = new Map<string, Map<string, string>>();

  /** Notes a message before it is sent, so that a concurrent session that sees it early knows it. */
  know(message: TrackedMessage): void {
    this.texts.set(message.id, message.text);
  }

  text(id: string): Buffer | undefined {
    return this.texts.get(id);
  }

  add(user: string, folder: Folder, id: string, delta: number): void {
    const key = `${user}/${folder}`;
    const counts = this.counts.get(key) ?? new Map<string, number>();
    this.counts.set(key, counts);
    counts.set(id, (counts.get(id) ?? 0) + delta);
  }

  /** Expected copies of each message in the mailbox. */
  expected(user: string, folder: Folder): ReadonlyMap<string, number> {
    return this.counts.get(`${user}/${folder}`) ?? new Map();
  }

  doubt(ids: Iterable<string>): void {
    for (const id of ids) this.doubtful.add(id);
  }

  isDoubtful(id: string): boolean {
    return this.doubtful.has(id);
  }

  offerToPop(user: string, uidl: string, id: string): void {
    const offered = this.forPop.get(user) ?? new Map<string, string>();
    this.forPop.set(user, offered);
    offered.set(uidl, id);
  }

  /** The Message-ID of a message offered for POP3 deletion, by its UIDL. */
  offeredToPop(user: string, uidl: string): string | undefined {
    return this.forPop.get(user)?.get(uidl);
  }

  /** After POP3 deleted it (QUIT answered +OK). */
  takenByPop(user: string, uidl: string): void {
    this.forPop.get(user)?.delete(uidl);
  }
}
