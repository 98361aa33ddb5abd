import type { DockerInstruction } from './parse.js';
import type { ShellScript } from './shell.js';

/** Whether the script runs `rm` on `path` or below it (`rm -rf /var/lib/apt/lists/*`). */
export function removesPath(script: ShellScript, ...paths: string[]): boolean {
  return script.commands.some((c) => c.name === 'rm' && c.args.some((a) => paths.some((p) => a === p || a.startsWith(`${p}/`) || a.startsWith(`${p}*`))));
}

/** Whether the RUN has a `--mount=type=cache` whose target covers `path`, so what is written there never reaches the layer. */
export function cacheMounted(instruction: DockerInstruction, path: string): boolean {
  return instruction.mounts.some((mount) => {
    const target = /(?:target|dst|destination)=([^,\s]+)/.exec(mount)?.[1];
    return /type=cache/.test(mount) && target !== undefined && (path.startsWith(target) || target.startsWith(path));
  });
}
