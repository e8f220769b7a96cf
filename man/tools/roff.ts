// Escaping for man(7) text: a backslash is written \e, a hyphen in a name or
// path is \- (so it is never hyphenated or turned into a dash), a double
// quote is \(dq (safe inside quoted macro arguments), and a line may not
// start with a control character.

/** Escapes literal text (option names, paths, example lines). */
export function literal(text: string): string {
  return guardLineStart(text.replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/"/g, '\\(dq'));
}

/**
 * Escapes running prose (backslashes only; hyphens stay hyphens) and fills
 * it into source lines of at most `width` bytes, as mandoc's lint asks.
 */
export function prose(text: string, width = 78): string {
  const lines: string[] = [];
  let current = '';
  for (const word of text.replace(/\\/g, '\\e').split(/\s+/).filter((item) => item !== '')) {
    if (current !== '' && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  if (current !== '') lines.push(current);
  return lines.map(guardLineStart).join('\n');
}

function guardLineStart(text: string): string {
  return /^[.']/.test(text) ? `\\&${text}` : text;
}
