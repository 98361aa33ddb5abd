import type { DockerInstruction, ParsedDockerfile, Stage } from './parse.js';
import { parseShell, type ShellCommand, type ShellScript } from './shell.js';

/** A RUN instruction with its script read. */
export interface RunScript {
  instruction: DockerInstruction;
  script: ShellScript;
}

/** What rules read: the parsed file plus the derived views several rules share. */
export class LintContext {
  private readonly scripts = new Map<DockerInstruction, ShellScript>();

  constructor(readonly dockerfile: ParsedDockerfile) {}

  get stages(): Stage[] {
    return this.dockerfile.stages;
  }

  get finalStage(): Stage | undefined {
    return this.dockerfile.stages.at(-1);
  }

  /** The final stage and the stages it builds on (`FROM earlier`): their layers ship in the image. */
  get shippedStages(): Stage[] {
    const out: Stage[] = [];
    for (let s = this.finalStage ?? null; s !== null && !out.includes(s); s = s.parent) out.push(s);
    return out;
  }

  /** The script a RUN executes; the exec form is one command with those words. */
  script(instruction: DockerInstruction): ShellScript {
    let script = this.scripts.get(instruction);
    if (!script) {
      script = instruction.execForm ? parseShell(instruction.execForm.map(quote).join(' ')) : parseShell(instruction.args);
      this.scripts.set(instruction, script);
    }
    return script;
  }

  /**
   * The `SHELL` in force for an instruction: the last one before it in its stage or the stages it builds on;
   * otherwise Docker's default, which is `cmd` on Windows base images.
   */
  activeShell(instruction: DockerInstruction): string[] {
    let root: Stage | null = null;
    for (let stage: Stage | null = this.stages[instruction.stage] ?? null; stage !== null; stage = stage.parent) {
      const shells = stage.instructions.filter((i) => i.keyword === 'SHELL' && i.execForm && i.line < instruction.line);
      const last = shells.at(-1);
      if (last?.execForm) return last.execForm;
      root = stage;
    }
    return root && /(^|\/)windows\/|servercore|nanoserver/i.test(root.image) ? ['cmd', '/S', '/C'] : ['/bin/sh', '-c'];
  }

  /** Whether RUN scripts of this instruction are POSIX shell (not PowerShell or cmd). */
  isPosixShell(instruction: DockerInstruction): boolean {
    const program = this.activeShell(instruction)[0] ?? '';
    return /(^|\/)(ba|da|z|k|a)?sh$/.test(program);
  }

  /** RUN instructions run by a POSIX shell, all of them or those of the given stages. */
  runs(stages: Stage[] = this.stages): RunScript[] {
    return stages.flatMap((stage) =>
      stage.instructions
        .filter((i) => i.keyword === 'RUN' && (i.execForm !== null || this.isPosixShell(i)))
        .map((instruction) => ({ instruction, script: this.script(instruction) })),
    );
  }

  /** Each RUN's commands that `select` maps to a value, with the RUN they are in. */
  commands<T>(select: (command: ShellCommand) => T | null, stages?: Stage[]): { instruction: DockerInstruction; value: T; run: RunScript }[] {
    const out: { instruction: DockerInstruction; value: T; run: RunScript }[] = [];
    for (const run of this.runs(stages)) {
      for (const command of run.script.commands) {
        const value = select(command);
        if (value !== null) out.push({ instruction: run.instruction, value, run });
      }
    }
    return out;
  }
}

function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
