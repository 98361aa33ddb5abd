import { DockerfileParser, type Instruction } from 'dockerfile-ast';

/** One instruction, reduced to what the rules read. Lines are 1-based. */
export interface DockerInstruction {
  /** Upper-case keyword as written (`RUN`, `FROM`, or anything unknown). */
  keyword: string;
  line: number;
  /** Arguments after any `--flags`, continuations joined and embedded comment lines dropped, as Docker does. */
  args: string;
  /** `--name=value` flags (FROM, RUN, COPY, ADD, HEALTHCHECK); a flag given without a value maps to null. */
  flags: Map<string, string | null>;
  /** Every `--mount=` value of a RUN (the flag may repeat). */
  mounts: string[];
  /** The arguments split on whitespace by the parser (after flags). */
  words: string[];
  /** `NAME=value` pairs of ENV, ARG and LABEL; value null when none is given. */
  properties: { name: string; value: string | null }[];
  /** The exec (JSON array) form's strings, or null for the shell form. */
  execForm: string[] | null;
  /** Index of the stage it belongs to; -1 before the first FROM. */
  stage: number;
}

export interface Stage {
  /** `AS name`, lower-cased as Docker compares them. */
  name: string | null;
  /** The image reference as written (may hold `${VARS}`). */
  image: string;
  /** The earlier stage this one builds on (`FROM name`), if any. */
  parent: Stage | null;
  from: DockerInstruction;
  instructions: DockerInstruction[];
}

export interface ParsedDockerfile {
  lines: string[];
  instructions: DockerInstruction[];
  /** Instructions before the first FROM (only ARG is valid there). */
  preamble: DockerInstruction[];
  stages: Stage[];
}

const FLAGGED = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'HEALTHCHECK']);

/**
 * Docker drops comment lines inside a continued instruction and removes each
 * escaped newline; heredoc bodies keep their newlines.
 */
function joinContinuations(raw: string, escape: string): string {
  const lines = raw.split(/\r?\n/);
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (i > 0 && /^\s*#/.test(line)) continue;
    const trimmed = line.replace(/\s+$/, '');
    if (trimmed.endsWith(escape) && i < lines.length - 1) out += trimmed.slice(0, -1);
    else out += i < lines.length - 1 ? `${line}\n` : line;
  }
  return out.trim();
}

function parseExecForm(args: string): string[] | null {
  if (!args.startsWith('[')) return null;
  try {
    const value: unknown = JSON.parse(args);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : null;
  } catch {
    return null;
  }
}

function flagsOf(instruction: Instruction): { name: string; value: string | null }[] {
  if (!FLAGGED.has(instruction.getKeyword().toUpperCase()) || !('getFlags' in instruction)) return [];
  const getFlags = instruction.getFlags as () => { getName(): string; getValue(): string | null }[];
  return getFlags.call(instruction).map((f) => ({ name: f.getName().toLowerCase(), value: f.getValue() }));
}

function propertiesOf(instruction: Instruction): DockerInstruction['properties'] {
  if (!('getProperties' in instruction)) return [];
  const getProperties = instruction.getProperties as () => { getName(): string; getValue(): string | null }[];
  return getProperties.call(instruction).map((p) => ({ name: p.getName(), value: p.getValue() }));
}

/** The stage name after `AS`, if the FROM line has one. */
function stageName(words: string[]): string | null {
  const as = words.findIndex((w, i) => i > 0 && w.toLowerCase() === 'as');
  return as > 0 ? (words[as + 1]?.toLowerCase() ?? null) : null;
}

/** Parses with dockerfile-ast, which never throws: unknown lines become instructions with unknown keywords. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const ast = DockerfileParser.parse(text);
  const escape = ast.getEscapeCharacter();
  const instructions: DockerInstruction[] = [];
  const preamble: DockerInstruction[] = [];
  const stages: Stage[] = [];
  for (const node of ast.getInstructions()) {
    const range = node.getRange();
    const args = joinContinuations(node.getRawArgumentsContent() ?? '', escape);
    const keyword = node.getKeyword().toUpperCase();
    const flags = flagsOf(node);
    let words: string[] | undefined;
    const instruction: DockerInstruction = {
      keyword,
      line: range.start.line + 1,
      args,
      flags: new Map(flags.map((f) => [f.name, f.value])),
      mounts: flags.filter((f) => f.name === 'mount' && f.value !== null).map((f) => f.value as string),
      // Split when first read (FROM, EXPOSE, USER): the parser places every word in the text, most of the
      // cost of parsing a long RUN, which no rule reads as words.
      get words(): string[] {
        return (words ??= node.getArguments().map((a) => a.getValue()));
      },
      properties: propertiesOf(node),
      execForm: parseExecForm(args),
      stage: keyword === 'FROM' ? stages.length : stages.length - 1,
    };
    instructions.push(instruction);
    if (keyword === 'FROM') {
      const image = instruction.words[0] ?? '';
      const parent = stages.find((s) => s.name !== null && s.name === image.toLowerCase()) ?? null;
      stages.push({ name: stageName(instruction.words), image, parent, from: instruction, instructions: [instruction] });
    } else {
      const stage = stages.at(-1);
      if (stage) stage.instructions.push(instruction);
      else preamble.push(instruction);
    }
  }
  return { lines: text.split(/\r?\n/), instructions, preamble, stages };
}
