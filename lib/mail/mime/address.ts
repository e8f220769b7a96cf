// Address lists for ENVELOPE (RFC 5322 §3.4), parsed the way UW's c-client
// renders them: groups as a start entry (mailbox = group name, no host) and
// an end entry (all NIL); a missing host becomes ".MISSING-HOST-NAME."; data
// that cannot be parsed ends the list with a ".SYNTAX-ERROR." entry.
import { ADDRESS_SPECIALS, type Token, tokenize } from './lexer';

export interface Address {
  readonly name?: string;
  readonly adl?: string;
  readonly mailbox?: string;
  readonly host?: string;
}

export const MISSING_HOST = '.MISSING-HOST-NAME.';
export const SYNTAX_ERROR: Address = { mailbox: 'UNEXPECTED_DATA_AFTER_ADDRESS', host: '.SYNTAX-ERROR.' };

export function parseAddressList(text: string): Address[] {
  return new AddressParser(tokenize(text, ADDRESS_SPECIALS)).list();
}

class AddressParser {
  private at = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  list(): Address[] {
    const out: Address[] = [];
    for (;;) {
      while (this.isSpecial(',')) this.at += 1;
      if (this.at >= this.tokens.length) return out;
      const group = this.groupName();
      if (group !== undefined) {
        out.push({ mailbox: group });
        if (!this.members(out)) return out;
        out.push({});
        continue; // senders often omit the comma after a group's ";"
      }
      const address = this.mailbox();
      if (address === undefined) {
        out.push(SYNTAX_ERROR);
        return out;
      }
      out.push(address);
      this.skipComments();
      if (this.at < this.tokens.length && !this.isSpecial(',')) {
        out.push(SYNTAX_ERROR);
        return out;
      }
    }
  }

  /** Members of a group up to its `;`; false when the list broke off. */
  private members(out: Address[]): boolean {
    for (;;) {
      while (this.isSpecial(',')) this.at += 1;
      this.skipComments();
      if (this.at >= this.tokens.length) return true;
      if (this.isSpecial(';')) {
        this.at += 1;
        return true;
      }
      const address = this.mailbox();
      if (address === undefined) {
        out.push({}, SYNTAX_ERROR);
        return false;
      }
      out.push(address);
      this.skipComments();
      if (this.at < this.tokens.length && !this.isSpecial(',') && !this.isSpecial(';')) {
        out.push({}, SYNTAX_ERROR);
        return false;
      }
    }
  }

  /** `phrase :` opens a group; returns the phrase and consumes the colon. */
  private groupName(): string | undefined {
    const start = this.at;
    const words = this.phrase();
    if (words.length > 0 && this.isSpecial(':')) {
      this.at += 1;
      return words.join(' ');
    }
    this.at = start;
    return undefined;
  }

  /** name-addr or addr-spec; undefined when nothing address-like is here. */
  private mailbox(): Address | undefined {
    const start = this.at;
    const words = this.phrase();
    if (this.isSpecial('<')) {
      this.at += 1;
      const inner = this.routeAddr();
      if (inner !== undefined) {
        const name = words.length > 0 ? words.join(' ') : undefined;
        return name !== undefined ? { name, ...inner } : inner;
      }
    }
    // Not a usable name-addr: read an addr-spec from the start (UW does this
    // for "Name <>", taking the first word as the mailbox).
    this.at = start;
    const spec = this.addrSpec();
    if (spec === undefined) return undefined;
    const comment = this.trailingComment();
    return comment !== undefined && comment !== '' ? { name: comment, ...spec } : spec;
  }

  private routeAddr(): { adl?: string; mailbox: string; host: string } | undefined {
    let adl: string | undefined;
    if (this.isSpecial('@')) {
      let route = '';
      while (this.at < this.tokens.length && !this.isSpecial(':') && !this.isSpecial('>')) {
        route += (this.tokens[this.at] as Token).text;
        this.at += 1;
      }
      if (this.isSpecial(':')) this.at += 1;
      adl = route;
    }
    const spec = this.addrSpec();
    if (spec === undefined) return undefined;
    while (this.at < this.tokens.length && !this.isSpecial('>')) this.at += 1;
    if (this.isSpecial('>')) this.at += 1;
    return adl !== undefined ? { adl, ...spec } : spec;
  }

  private addrSpec(): { mailbox: string; host: string } | undefined {
    const local = this.dotted(false);
    if (local === undefined) return undefined;
    this.skipComments();
    if (!this.isSpecial('@')) return { mailbox: local, host: MISSING_HOST };
    this.at += 1;
    this.skipComments();
    return { mailbox: local, host: this.dotted(true) ?? MISSING_HOST };
  }

  /** Words joined by dots (local part or domain), tolerating obsolete spacing. */
  private dotted(domain: boolean): string | undefined {
    let text: string | undefined;
    for (;;) {
      const token = this.tokens[this.at];
      const isWord = token !== undefined && (token.kind === 'atom' || (domain ? token.kind === 'literal' : token.kind === 'quoted'));
      if (!isWord) return text;
      if (text !== undefined && !text.endsWith('.') && !token.text.startsWith('.')) return text;
      text = (text ?? '') + token.text;
      this.at += 1;
    }
  }

  private phrase(): string[] {
    const words: string[] = [];
    for (;;) {
      const token = this.tokens[this.at];
      if (token === undefined) return words;
      if (token.kind === 'atom' || token.kind === 'quoted') words.push(token.text);
      else if (token.kind !== 'comment') return words;
      this.at += 1;
    }
  }

  private trailingComment(): string | undefined {
    let comment: string | undefined;
    while (this.tokens[this.at]?.kind === 'comment') {
      comment ??= (this.tokens[this.at] as Token).text.trim();
      this.at += 1;
    }
    return comment;
  }

  private skipComments(): void {
    while (this.tokens[this.at]?.kind === 'comment') this.at += 1;
  }

  private isSpecial(char: string): boolean {
    const token = this.tokens[this.at];
    return token !== undefined && token.kind === 'special' && token.text === char;
  }
}
