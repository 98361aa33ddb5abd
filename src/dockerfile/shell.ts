/**
 * A small POSIX-shell reader for RUN scripts: enough to find the simple
 * commands, their words (quotes removed) and which are joined by pipes. It
 * does not evaluate anything; `$(...)` and backquotes stay inside their word.
 */

export interface ShellCommand {
  /** Words as written, quotes removed, leading `NAME=value` assignments kept. */
  rawWords: string[];
  /** Words after dropping assignments, shell keywords and wrappers (`sudo`, `env`, `exec`...). */
  words: string[];
  /** Base name of the program (`/usr/bin/apt-get` -> `apt-get`), '' when none. */
  name: string;
  /** Arguments after the program name. */
  args: string[];
}

/** Commands joined by `|`; a lone command is a pipeline of one. */
export type Pipeline = ShellCommand[];

export interface ShellScript {
  pipelines: Pipeline[];
  /** Every simple command in order, including those of `sh -c '...'` scripts. */
  commands: ShellCommand[];
}

type Token = { word: string } | { op: string };

const OPERATORS = ['&&', '||', '|&', ';;', '|', ';', '&', '\n', '(', ')'];

/** Reads a `(...)` or `{...}` group from `start` (at its opening bracket), returning its end index (exclusive). */
function skipNested(text: string, start: number, open: string, close: string): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === "'" && open === '(') i = Math.max(i, text.indexOf("'", i + 1));
    else if (c === open) depth++;
    else if (c === close && --depth === 0) return i + 1;
  }
  return text.length;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let word: string | null = null;
  const flush = (): void => {
    if (word !== null) tokens.push({ word });
    word = null;
  };
  for (let i = 0; i < text.length;) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\r') {
      flush();
      i++;
    } else if (c === '#' && word === null) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '\\') {
      if (text[i + 1] !== '\n') word = (word ?? '') + (text[i + 1] ?? '');
      i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      word = (word ?? '') + text.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && '"\\$`'.includes(text[j + 1] ?? '')) {
          value += text[j + 1];
          j += 2;
        } else if (text[j] === '$' && text[j + 1] === '(') {
          const end = skipNested(text, j + 1, '(', ')');
          value += text.slice(j, end);
          j = end;
        } else value += text[j++];
      }
      word = (word ?? '') + value;
      i = j + 1;
    } else if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      const end = text[i + 1] === '(' ? skipNested(text, i + 1, '(', ')') : skipNested(text, i + 1, '{', '}');
      word = (word ?? '') + text.slice(i, end);
      i = end;
    } else if (c === '(' && /[<>]$/.test(word ?? '')) {
      // `<(…)` / `>(…)` process substitution: one word.
      const end = skipNested(text, i, '(', ')');
      word = (word ?? '') + text.slice(i, end);
      i = end;
    } else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      const stop = end < 0 ? text.length : end + 1;
      word = (word ?? '') + text.slice(i, stop);
      i = stop;
    } else if (c === '&' && (text[i + 1] === '>' || /[<>]$/.test(word ?? ''))) {
      // `&>file`, `2>&1`, `>&2`: part of a redirection, not a background `&`.
      word = (word ?? '') + c;
      i++;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      // `<(` / `>(` process substitution and redirections stay in words.
      if (op && !(op === '(' && word !== null)) {
        flush();
        tokens.push({ op });
        i += op.length;
      } else {
        word = (word ?? '') + c;
        i++;
      }
    }
  }
  flush();
  return tokens;
}

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'while', 'until', 'do', '!', '{', '}', 'time']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** Options of `sudo` that take a value. */
const SUDO_VALUE_OPTIONS = new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U']);

function unwrap(words: string[]): string[] {
  let rest = words;
  for (;;) {
    const first = rest[0];
    if (first === undefined) return rest;
    if (KEYWORDS.has(first) || ASSIGNMENT.test(first)) rest = rest.slice(1);
    else if (first === 'sudo') {
      let i = 1;
      while (rest[i]?.startsWith('-')) i += SUDO_VALUE_OPTIONS.has(rest[i] as string) ? 2 : 1;
      rest = rest.slice(i);
    } else if (first === 'env') {
      let i = 1;
      while (rest[i]?.startsWith('-') || ASSIGNMENT.test(rest[i] ?? '')) i++;
      rest = rest.slice(i);
    } else if (first === 'exec' || first === 'command' || first === 'nohup') rest = rest.slice(1);
    else return rest;
  }
}

/** A redirection operator alone (`>`, `2>>`, `&>`), whose target is the next word. */
const REDIRECT_ALONE = /^(\d*(>>?|<<?|>\||<>)|&>>?)$/;
/** A redirection with its target attached (`>/dev/null`, `2>&1`); `<(…)` is process substitution, a real word. */
const REDIRECT_ATTACHED = /^(\d*(>>?|<|>&|<&)|&>>?)(?!\()./;

function dropRedirections(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (REDIRECT_ALONE.test(w)) i++;
    else if (!REDIRECT_ATTACHED.test(w)) out.push(w);
  }
  return out;
}

function toCommand(written: string[]): ShellCommand {
  const rawWords = dropRedirections(written);
  const words = unwrap(rawWords);
  const first = words[0] ?? '';
  return { rawWords, words, name: first.slice(first.lastIndexOf('/') + 1), args: words.slice(1) };
}

/** The script given to `sh -c` / `bash -ec` / `su user -c`, if this command runs one. */
function innerScript(command: ShellCommand): string | null {
  const { name, args } = command;
  if (name === 'su') {
    const long = args.find((a) => a.startsWith('--command='));
    if (long) return long.slice('--command='.length);
    const c = args.findIndex((a) => a === '-c' || a === '--command');
    return c >= 0 ? (args[c + 1] ?? null) : null;
  }
  if (!/^(ba|da|z|k|a)?sh$/.test(name)) return null;
  const c = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
  return c >= 0 ? (args[c + 1] ?? null) : null;
}

export function parseShell(text: string): ShellScript {
  const pipelines: Pipeline[] = [];
  const commands: ShellCommand[] = [];
  let pipeline: Pipeline = [];
  let words: string[] = [];
  const endCommand = (): void => {
    const command = toCommand(words);
    if (command.rawWords.length > 0) {
      pipeline.push(command);
      commands.push(command);
      const inner = innerScript(command);
      if (inner !== null) {
        const nested = parseShell(inner);
        pipelines.push(...nested.pipelines);
        commands.push(...nested.commands);
      }
    }
    words = [];
  };
  const endPipeline = (): void => {
    endCommand();
    if (pipeline.length > 0) pipelines.push(pipeline);
    pipeline = [];
  };
  for (const token of tokenize(text)) {
    if ('word' in token) words.push(token.word);
    else if (token.op === '|' || token.op === '|&') endCommand();
    else endPipeline();
  }
  endPipeline();
  return { pipelines, commands };
}
