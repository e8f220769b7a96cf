// THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §3), producing the
// thread-list text of the THREAD response.
import { type MessageFacts, bySentDate } from './ordering';

/** A node of a thread tree; `message` is undefined for a dummy (a referenced message not present). */
interface Node {
  message: MessageFacts | undefined;
  parent: Node | undefined;
  children: Node[];
}

function node(message?: MessageFacts): Node {
  return { message, parent: undefined, children: [] };
}

function adopt(parent: Node, child: Node): void {
  if (child.parent !== undefined) child.parent.children = child.parent.children.filter((each) => each !== child);
  child.parent = parent;
  parent.children.push(child);
}

/**
 * Whether linking `of` below `candidate` would make a loop. A node without
 * children is nobody's ancestor but its own, which keeps a long References
 * chain linear (each walk up the chain made it quadratic).
 */
function isAncestor(candidate: Node, of: Node): boolean {
  if (candidate.children.length === 0) return candidate === of;
  for (let at: Node | undefined = of; at !== undefined; at = at.parent) if (at === candidate) return true;
  return false;
}

/**
 * Every node below `roots`, parents before children. Threads can be as deep
 * as a References header is long, so the tree is walked without recursion.
 */
function descendants(roots: readonly Node[]): Node[] {
  const order: Node[] = [];
  const stack = [...roots].reverse();
  for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
    order.push(at);
    for (let index = at.children.length - 1; index >= 0; index--) stack.push(at.children[index] as Node);
  }
  return order;
}

/** `(1 2)(3 (4)(5))`: each root a thread-list; single children inline, several nested. */
export function formatThreads(roots: readonly Node[]): string {
  const out: string[] = [];
  // Work left to do, last first: a node to write as "(members)", or text.
  const work: Array<Node | string> = [...roots].reverse();
  for (let next = work.pop(); next !== undefined; next = work.pop()) {
    if (typeof next === 'string') {
      out.push(next);
      continue;
    }
    const numbers: number[] = [];
    let at = next;
    for (;;) {
      if (at.message !== undefined) numbers.push(at.message.seq);
      if (at.children.length !== 1) break;
      at = at.children[0] as Node;
    }
    out.push(`(${numbers.join(' ')}${numbers.length > 0 && at.children.length > 0 ? ' ' : ''}`);
    work.push(')');
    for (let index = at.children.length - 1; index >= 0; index--) work.push(at.children[index] as Node);
  }
  return out.join('');
}

/** ORDEREDSUBJECT: one thread per base subject, the rest children of its first message. */
export function orderedSubjectThreads(messages: readonly MessageFacts[]): string {
  const sorted = [...messages].sort((a, b) => (a.subject.text < b.subject.text ? -1 : a.subject.text > b.subject.text ? 1 : bySentDate(a, b)));
  const roots: Node[] = [];
  let current: Node | undefined;
  for (const message of sorted) {
    if (current?.message?.subject.text === message.subject.text) {
      current.children.push(node(message));
    } else {
      current = node(message);
      roots.push(current);
    }
  }
  roots.sort((a, b) => bySentDate(a.message as MessageFacts, b.message as MessageFacts));
  return formatThreads(roots);
}

/** REFERENCES: Zawinski's algorithm as RFC 5256 specifies it. */
export function referencesThreads(messages: readonly MessageFacts[]): string {
  // Step 1: link messages through their References.
  const byId = new Map<string, Node>();
  const containerFor = (id: string): Node => {
    let found = byId.get(id);
    if (found === undefined) {
      found = node();
      byId.set(id, found);
    }
    return found;
  };
  const all: Node[] = [];
  for (const message of messages) {
    let own: Node;
    const existing = message.messageId !== undefined ? byId.get(message.messageId) : undefined;
    if (message.messageId !== undefined && (existing === undefined || existing.message === undefined)) {
      own = containerFor(message.messageId);
      own.message = message;
    } else {
      own = node(message); // no Message-ID, or a duplicate: a unique one of its own
    }
    all.push(own);
    let previous: Node | undefined;
    // An id seen before in this header has had its chance to link: a header
    // that repeats ids closing a loop made every repeat walk the thread.
    const seen = new Set<string>();
    for (const id of message.references) {
      const reference = containerFor(id);
      const first = !seen.has(id);
      seen.add(id);
      if (first && previous !== undefined && reference.parent === undefined && !isAncestor(reference, previous)) adopt(previous, reference);
      previous = reference;
    }
    if (previous !== undefined && previous !== own && !isAncestor(own, previous)) adopt(previous, own);
    else if (previous === undefined && own.parent !== undefined) {
      own.parent.children = own.parent.children.filter((each) => each !== own);
      own.parent = undefined;
    }
  }
  // Step 2: the root set.
  const containers = new Set<Node>([...byId.values(), ...all]);
  let roots = [...containers].filter((each) => each.parent === undefined);
  // Step 4: prune dummies.
  roots = prune(roots);
  // Step 5: sort the roots by sent date (a dummy by its first child's).
  for (const root of roots) root.children.sort(byNodeDate);
  roots.sort(byNodeDate);
  // Step 6: gather roots with the same base subject.
  roots = groupBySubject(roots);
  // Step 7: sort every level below the roots by sent date.
  for (const at of descendants(roots)) at.children.sort(byNodeDate);
  return formatThreads(roots);
}

/**
 * Step 4: dummies without children go; below the roots a dummy is replaced by
 * its children; a dummy root stays only when it has several. Children are
 * pruned before their parents (the walk's order, reversed).
 */
function prune(roots: readonly Node[]): Node[] {
  const order = descendants(roots);
  for (let index = order.length - 1; index >= 0; index--) {
    const each = order[index] as Node;
    each.children = each.children.flatMap((child) => (child.message !== undefined ? [child] : child.children));
    for (const child of each.children) child.parent = each;
  }
  return roots.flatMap((root) => {
    if (root.message !== undefined || root.children.length > 1) return [root];
    for (const child of root.children) child.parent = undefined;
    return root.children;
  });
}

function firstMessage(at: Node): MessageFacts | undefined {
  return at.message ?? at.children[0]?.message;
}

function byNodeDate(a: Node, b: Node): number {
  const first = firstMessage(a);
  const second = firstMessage(b);
  if (first === undefined || second === undefined) return 0;
  return bySentDate(first, second);
}

function groupBySubject(roots: Node[]): Node[] {
  const table = new Map<string, Node>();
  for (const root of roots) {
    const subject = firstMessage(root)?.subject;
    if (subject === undefined || subject.text === '') continue;
    const entry = table.get(subject.text);
    if (
      entry === undefined ||
      (entry.message !== undefined && root.message === undefined) ||
      (entry.message?.subject.isReply === true && root.message !== undefined && !root.message.subject.isReply)
    ) {
      table.set(subject.text, root);
    }
  }
  const result: Node[] = [];
  const replaced = new Map<Node, Node>();
  for (const root of roots) {
    const subject = firstMessage(root)?.subject;
    const entry = subject === undefined || subject.text === '' ? undefined : table.get(subject.text);
    if (entry === undefined || entry === root) {
      result.push(replaced.get(root) ?? root);
      continue;
    }
    const target = replaced.get(entry) ?? entry;
    if (target.message === undefined && root.message === undefined) {
      for (const child of [...root.children]) adopt(target, child);
    } else if (target.message === undefined) {
      adopt(target, root);
    } else if (!target.message.subject.isReply && root.message?.subject.isReply === true) {
      adopt(target, root);
    } else {
      const dummy = node();
      const index = result.indexOf(target);
      adopt(dummy, target);
      adopt(dummy, root);
      if (index >= 0) result[index] = dummy;
      replaced.set(entry, dummy);
    }
  }
  return result;
}
