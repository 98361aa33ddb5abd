// One output format: its name on `--format`, a line of help, and how it renders. Every format lives
// in reporters/<name>.ts and is listed once in registry.ts, which gives each command its choices.
import type { Readable } from 'node:stream';
import type { Vulnerability } from '../match/types.js';
import type { Finding } from '../model/finding.js';
import type { Inventory } from '../model/inventory.js';
import type { Suppression } from '../policy/apply.js';
import type { Report } from './report.js';

/** An image's scan or inventory (`plimsoll image`, `plimsoll sbom`). */
export interface ImageReportInput {
  subject: 'image';
  report: Report;
  /** The same inventory in the SBOM formats' shape. */
  inventory: Inventory;
  /**
   * Set by a scan (not by `sbom`), so a CycloneDX SBOM carries a vulnerabilities section: what the
   * policy suppressed by VEX or the ignore file, and every match before the policy (for their analysis).
   */
  vex?: { suppressed: readonly Suppression[]; matched: readonly Vulnerability[] };
}

/** The findings of a Dockerfile lint (`plimsoll dockerfile`). */
export interface LintReportInput {
  subject: 'dockerfile';
  findings: readonly Finding[];
  /** What was linted, as the user named it. */
  path: string;
}

export type ReportInput = ImageReportInput | LintReportInput;

/** The commands that take `--format` from this registry. */
export type FormatCommand = 'image' | 'sbom' | 'dockerfile';

export interface RenderOptions {
  /** ANSI colours, for a terminal. */
  color?: boolean;
  /** Columns to fit a table into. */
  width?: number;
  /** List every package in a table, not only the vulnerable ones (`--list-all-pkgs`). */
  listPackages?: boolean;
}

export interface Reporter {
  name: string;
  /** One line for `--help`. */
  description: string;
  mediaType?: string;
  /** The commands that offer it as a `--format` (`dockerfile` renders a LintReportInput, the others an ImageReportInput). */
  commands: readonly FormatCommand[];
  /** Async because the renderer's module is loaded on first use, keeping start-up light. */
  render(input: ReportInput, options: RenderOptions): Promise<string | Readable>;
}

/** A renderer module's export (reporters/<name>.ts); async where it loads more on demand. */
export type Render = (input: ReportInput, options: RenderOptions) => string | Readable | Promise<string | Readable>;

/** Refuses a subject a renderer was not listed for: a programming error, not a user's. */
export function unsupported(reporter: string, input: ReportInput): never {
  throw new Error(`the ${reporter} reporter does not render a ${input.subject} report`);
}
