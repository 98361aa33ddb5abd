import type { DockerInstruction } from './parse.js';

/** Sources and destination of COPY / ADD, in either form; heredoc sources (`<<EOF`) are left out. */
export function copyOperands(instruction: DockerInstruction): { sources: string[]; destination: string | null } {
  const words =
    instruction.execForm ??
    instruction.args
      .split('\n')[0]
      ?.trim()
      .split(/\s+/)
      .filter((w) => w !== '') ??
    [];
  if (words.length === 0) return { sources: [], destination: null };
  return { sources: words.slice(0, -1).filter((w) => !w.startsWith('<<')), destination: words.at(-1) ?? null };
}

export function isUrl(source: string): boolean {
  return /^(https?|git|ssh):\/\//i.test(source) || /^git@/.test(source);
}
