// Maven's version order: org.apache.maven.artifact.versioning.ComparableVersion
// (maven-artifact 3.8.7, with MNG-6964 and MNG-7644). Maven accepts any text as a version, so parse() never rejects.
import { compareDigits, compareStrings, cached, type Ordering, type VersionScheme } from '../../versions/scheme.js';

/** A parsed item: a number (digits, no leading zeros), a qualifier, or a nested list (after '-' or a digit/letter switch). */
export type MavenItem = { kind: 'int'; value: string } | { kind: 'string'; value: string } | { kind: 'list'; items: MavenItem[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = '5';

// Java's Character.isDigit: any Unicode decimal digit.
const DIGIT = /\p{Nd}/u;

function stringItem(value: string, followedByDigit: boolean): MavenItem {
  let v = value;
  if (followedByDigit && v.length === 1) {
    v = v === 'a' ? 'alpha' : v === 'b' ? 'beta' : v === 'm' ? 'milestone' : v;
  }
  return { kind: 'string', value: ALIASES[v] ?? v };
}

function intItem(digits: string): MavenItem {
  // Java parses any Unicode decimal digits; map them to ASCII by their numeric value.
  const ascii = /^[0-9]*$/.test(digits)
    ? digits
    : digits
        .split('')
        .map((d) => String(digitValue(d)))
        .join('');
  const stripped = ascii.replace(/^0+/, '');
  return { kind: 'int', value: stripped === '' ? '0' : stripped };
}

/** Character.digit(c, 10) for a decimal digit: Unicode lays them out in runs of ten from zero. */
function digitValue(d: string): number {
  const code = d.charCodeAt(0);
  let k = 0;
  while (k < 9 && DIGIT.test(String.fromCharCode(code - k - 1))) k++;
  return k;
}

function parseItem(isDigit: boolean, text: string): MavenItem {
  return isDigit ? intItem(text) : stringItem(text, false);
}

function isNull(item: MavenItem): boolean {
  if (item.kind === 'int') return item.value === '0';
  if (item.kind === 'string') return item.value === '';
  return item.items.length === 0;
}

/** Drops trailing null items (0, "", empty list) up to the last non-list item. */
function normalize(list: MavenItem[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i] as MavenItem;
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

function parseMaven(text: string): MavenItem[] {
  const version = text.toLowerCase();
  const root: MavenItem[] = [];
  let list = root;
  const stack: MavenItem[][] = [root];
  // Java walks UTF-16 code units; a lone surrogate is never a digit.
  const chars = version.split('');
  let isDigit = false;
  let start = 0;
  const sub = (from: number, to?: number): string => version.slice(from, to);
  const nest = (): void => {
    const next: MavenItem[] = [];
    list.push({ kind: 'list', items: next });
    list = next;
    stack.push(next);
  };
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? '';
    if (c === '.' || c === '-') {
      list.push(i === start ? { kind: 'int', value: '0' } : parseItem(isDigit, sub(start, i)));
      start = i + 1;
      if (c === '-') nest();
    } else if (DIGIT.test(c)) {
      if (!isDigit && i > start) {
        // ".X1" is read as "-X1" (MNG-7644): a qualifier after numbers opens a sub-list.
        if (list.length > 0) nest();
        list.push(stringItem(sub(start, i), true));
        start = i;
        nest();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, sub(start, i)));
        start = i;
        nest();
      }
      isDigit = false;
    }
  }
  if (chars.length > start) {
    if (!isDigit && list.length > 0) nest();
    list.push(parseItem(isDigit, sub(start)));
  }
  while (stack.length > 0) normalize(stack.pop() as MavenItem[]);
  return root;
}

function qualifierKey(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

/** Compares an item with another, or with nothing (`undefined`, as when the other list ran out). */
function compareItem(a: MavenItem, b: MavenItem | undefined): Ordering {
  if (a.kind === 'int') {
    if (b === undefined) return a.value === '0' ? 0 : 1;
    return b.kind === 'int' ? compareDigits(a.value, b.value) : 1;
  }
  if (a.kind === 'string') {
    if (b === undefined) return compareStrings(qualifierKey(a.value), RELEASE_INDEX);
    if (b.kind === 'int' || b.kind === 'list') return -1;
    return compareStrings(qualifierKey(a.value), qualifierKey(b.value));
  }
  if (b === undefined) {
    // Every item counts against nothing, not only the first (MNG-6964).
    for (const item of a.items) {
      const r = compareItem(item, undefined);
      if (r !== 0) return r;
    }
    return 0;
  }
  if (b.kind === 'int') return -1;
  if (b.kind === 'string') return 1;
  return compareLists(a.items, b.items);
}

function compareLists(a: readonly MavenItem[], b: readonly MavenItem[]): Ordering {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const l = a[i];
    const r = b[i];
    const result = l === undefined ? (r === undefined ? 0 : negate(compareItem(r, undefined))) : compareItem(l, r);
    if (result !== 0) return result;
  }
  return 0;
}

function negate(o: Ordering): Ordering {
  return o === 0 ? 0 : o === 1 ? -1 : 1;
}

const parse = cached(parseMaven);

export const maven: VersionScheme<MavenItem[]> = {
  name: 'maven',
  parse,
  compare: (a, b) => compareLists(parse(a), parse(b)),
};
