// The image config's history, read back as the Dockerfile instructions that made it.
import type { ResolvedImage } from '../image/types.js';
import type { LayerRef } from '../model/layer.js';

export interface HistoryStep {
  /** Position in `config.history`. */
  index: number;
  createdBy: string;
  emptyLayer: boolean;
  /** The layer this step made (none for metadata-only steps). */
  layer?: LayerRef;
  /** Dockerfile instruction (RUN, ENV, ADD...), or '' when the line is not one (debootstrap, bazel). */
  instruction: string;
  /** The instruction's arguments; for RUN, the shell command with build args and `/bin/sh -c` removed. */
  args: string;
  /** Build args a classic RUN line records as `|N KEY=value ...`. */
  buildArgs: [string, string][];
}

const INSTRUCTIONS = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

/** `|2 A=b C=d <command>`: docker's classic builder records build args used by a RUN this way. */
function splitBuildArgs(text: string): { buildArgs: [string, string][]; rest: string } {
  const m = /^\|(\d+)\s+/.exec(text);
  if (!m) return { buildArgs: [], rest: text };
  let rest = text.slice(m[0].length);
  const buildArgs: [string, string][] = [];
  for (let n = Number(m[1]); n > 0; n--) {
    const arg = /^([A-Za-z_][A-Za-z0-9_]*)=(\S*)\s*/.exec(rest);
    if (!arg) break;
    buildArgs.push([arg[1] as string, arg[2] as string]);
    rest = rest.slice(arg[0].length);
  }
  return { buildArgs, rest };
}

const SHELL_PREFIX = /^(?:\/bin\/(?:ba)?sh|sh|bash)\s+-c\s+/;

/** Parses one `created_by` line: classic (`/bin/sh -c #(nop) CMD ...`) and BuildKit (`RUN /bin/sh -c ... # buildkit`) forms. */
export function parseCreatedBy(createdBy: string): Pick<HistoryStep, 'instruction' | 'args' | 'buildArgs'> {
  let text = createdBy.trim().replace(/\s*# buildkit$/, '');
  const word = /^([A-Z]+)\s+/.exec(text);
  if (word && INSTRUCTIONS.has(word[1] as string)) {
    const instruction = word[1] as string;
    text = text.slice(word[0].length);
    if (instruction !== 'RUN') return { instruction, args: text, buildArgs: [] };
    const { buildArgs, rest } = splitBuildArgs(text);
    return { instruction, args: rest.replace(SHELL_PREFIX, ''), buildArgs };
  }
  const { buildArgs, rest } = splitBuildArgs(text);
  if (!SHELL_PREFIX.test(rest)) return { instruction: '', args: createdBy.trim(), buildArgs };
  const command = rest.replace(SHELL_PREFIX, '');
  const nop = /^#\(nop\)\s+([A-Z]+)\s*(.*)$/s.exec(command);
  if (nop && INSTRUCTIONS.has(nop[1] as string)) return { instruction: nop[1] as string, args: (nop[2] as string).trim(), buildArgs };
  return { instruction: 'RUN', args: command, buildArgs };
}

/** Every history entry, parsed, with the layer each non-empty one made (layers and non-empty entries pair up in order). */
export function readHistory(image: ResolvedImage, layers: readonly LayerRef[]): HistoryStep[] {
  let next = 0;
  return (image.config.history ?? []).map((h, index) => {
    const emptyLayer = h.empty_layer === true;
    const layer = emptyLayer ? undefined : layers[next++];
    const createdBy = h.created_by ?? '';
    return { index, createdBy, emptyLayer, ...(layer ? { layer } : {}), ...parseCreatedBy(createdBy) };
  });
}

/** The history as one Dockerfile, for the Dockerfile rules, and the step each of its lines came from. */
export interface HistoryDockerfile {
  text: string;
  stepAt(line: number): HistoryStep | undefined;
}

/** `map[22/tcp:{} 8080/tcp:{}]`, as both builders record EXPOSE, back to `22/tcp 8080/tcp`. */
function exposeArgs(args: string): string {
  const m = /^map\[(.*)\]$/.exec(args.trim());
  return m ? (m[1] as string).replace(/:\{\}/g, '') : args;
}

export function historyAsDockerfile(steps: readonly HistoryStep[]): HistoryDockerfile {
  // History keeps no FROM; the rules look for instructions inside a stage, so one stands for the base.
  const lines: string[] = ['FROM scratch'];
  const spans: { first: number; last: number; step: HistoryStep }[] = [];
  for (const step of steps) {
    if (step.instruction === '') continue;
    const args = step.instruction === 'EXPOSE' ? exposeArgs(step.args) : step.args;
    const first = lines.length + 1;
    // A multi-line command stays one instruction: each newline becomes a line continuation.
    lines.push(...`${step.instruction} ${args}`.split('\n').map((l, i, all) => (i < all.length - 1 ? `${l} \\` : l)));
    spans.push({ first, last: lines.length, step });
  }
  return { text: `${lines.join('\n')}\n`, stepAt: (line) => spans.find((s) => s.first <= line && line <= s.last)?.step };
}
