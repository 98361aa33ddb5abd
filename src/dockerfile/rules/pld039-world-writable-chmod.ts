import type { DockerfileRule, RuleHit } from '../rule.js';
import type { ShellCommand } from '../shell.js';

/** Numeric modes giving others write access, unless the sticky bit makes it a shared /tmp-style directory. */
function worldWritable(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) {
    const digits = mode.padStart(4, '0');
    return (Number(digits[3]) & 2) !== 0 && (Number(digits[0]) & 1) === 0;
  }
  // Symbolic: only an explicit `a` or `o` counts (a bare `+w` is masked by the umask).
  return mode.split(',').some((clause) => {
    const m = /^([ugoa]*)[+=]([rwxXst]*)$/.exec(clause);
    return m !== null && /[ao]/.test(m[1] ?? '') && (m[2] ?? '').includes('w') && !(m[2] ?? '').includes('t');
  });
}

function chmodMode(c: ShellCommand): string | null {
  if (c.name !== 'chmod') return null;
  return c.args.find((a) => !a.startsWith('-')) ?? null;
}

export const worldWritableChmod: DockerfileRule = {
  id: 'PLD039',
  title: 'chmod or --chmod makes files world-writable',
  severity: 'MEDIUM',
  rationale:
    '`chmod 777` (or `o+w`) lets every user in the container rewrite those files: a compromised process running as any user can then replace ' +
    'programs, scripts or configuration that a more privileged process later trusts. It is almost always a shortcut around a wrong owner.',
  fix: 'Give the files to the user that needs them (`COPY --chown=app:app`, `chown app:app`) and keep modes like 755/644; for shared scratch directories use the sticky bit (1777).',
  check(context) {
    const copies: RuleHit[] = context.dockerfile.instructions
      .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && worldWritable(i.flags.get('chmod') ?? ''))
      .map((i) => ({ line: i.line, detail: `${i.keyword} --chmod=${i.flags.get('chmod') ?? ''}` }));
    const runs = context
      .commands((c) => {
        const mode = chmodMode(c);
        return mode !== null && worldWritable(mode) ? mode : null;
      })
      .map(({ instruction, value }) => ({ line: instruction.line, detail: `chmod ${value}` }));
    return [...copies, ...runs].sort((a, b) => a.line - b.line);
  },
};
