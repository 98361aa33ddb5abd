import type { Severity } from '../model/finding.js';
import type { LintContext } from './context.js';

/** Where a rule fired; `detail` narrows the title (e.g. the package left unpinned). */
export interface RuleHit {
  line: number;
  detail?: string;
  /** What the finding quotes; a secret only ever masked. */
  evidence?: string;
}

/** One lint rule. The text fields are what docs and `--help` list. */
export interface DockerfileRule {
  /** `PLD001`... stable once published. */
  id: string;
  title: string;
  severity: Severity;
  /** Why it matters, one paragraph. */
  rationale: string;
  /** What to write instead; becomes the finding's remediation. */
  fix: string;
  /**
   * Also run on an image's history read back as instructions: true for rules that need neither the build
   * context nor FROM lines or stages, which history does not keep.
   */
  onHistory?: boolean;
  check(context: LintContext): RuleHit[];
}
