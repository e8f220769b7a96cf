// i;unicode-casemap (RFC 5051) for SEARCH and SORT: text is compared after
// case folding and compatibility decomposition, so "Ä", "ä" and "a\u0308"
// match one another. Lower-casing stands in for the RFC's titlecase step;
// the two agree on everything but a few special letters.

export function foldCase(text: string): string {
  // Pure ASCII (the common case) needs no normalisation. Its UTF-8 length
  // equals its length exactly when every character is ASCII; the native
  // count is several times faster than a regular expression over the text.
  const ascii = Buffer.byteLength(text, 'utf8') === text.length;
  return ascii ? text.toLowerCase() : text.toLowerCase().normalize('NFKD');
}

