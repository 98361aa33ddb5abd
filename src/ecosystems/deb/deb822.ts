// The deb822 control format (dpkg's status database, copyright files): paragraphs of `Field: value`
// lines, read a window at a time so a database of any size is never one string.

/** One control paragraph: field names as written, values with continuation lines joined by '\n'. */
export type Paragraph = Map<string, string>;

/** Bytes decoded at a time: a database of any size is read a window at a time, never as one string. */
const WINDOW = 1024 * 1024;

/** The lines of a file, decoded a window at a time (each window ends at a newline). */
export function* linesOf(body: Buffer): Generator<string> {
  for (let start = 0; start < body.length;) {
    const newline = body.indexOf(0x0a, Math.min(start + WINDOW, body.length) - 1);
    const end = newline < 0 ? body.length : newline + 1;
    const lines = body.toString('utf8', start, end).split('\n');
    if (end === newline + 1) lines.pop();
    yield* lines;
    start = end;
  }
}

/** Splits deb822 lines into paragraphs, one at a time (lines without a colon are ignored, as dpkg does with junk). */
export function* deb822Paragraphs(lines: Iterable<string>): Generator<Paragraph> {
  let current: Paragraph | undefined;
  let lastKey: string | undefined;
  for (const line of lines) {
    // Most lines start with a field name: only the others are trimmed to see whether they are blank.
    const first = line.charCodeAt(0);
    if (!(first > 0x20 && first < 0x7f) && line.trim() === '') {
      if (current) yield current;
      current = undefined;
      lastKey = undefined;
      continue;
    }
    if ((line[0] === ' ' || line[0] === '\t') && current && lastKey) {
      current.set(lastKey, `${current.get(lastKey)}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    current ??= new Map();
    lastKey = line.slice(0, colon);
    current.set(lastKey, line.slice(colon + 1).trim());
  }
  if (current) yield current;
}

/** Splits deb822 text into paragraphs. */
export function parseDeb822(text: string): Paragraph[] {
  return [...deb822Paragraphs(text.split('\n'))];
}
