// i;unicode-casemap (RFC 5051) for SEARCH and SORT: text is compared after
// case folding and compatibility decomposition, so "Ä", "ä" and "a\u0308"
// match one another. Lower-casing stands in for the RFC's titlecase step;
// the two agree on everything but a few special letters.

export function foldCase(text: string): string {
  // Pure ASCII (the common case) needs no normalisation.
  return /^[\x00-\x7f]*$/.test(text) ? text.toLowerCase() : text.toLowerCase().normalize('NFKD');
}

