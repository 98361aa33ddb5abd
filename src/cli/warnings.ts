import { warningText, type ScanWarning } from '../model/warning.js';

/**
 * The one place the CLI prints a scan's warnings: on stderr, one line each, so they reach a person
 * whatever the format and wherever the report goes; but not when the table report is on this
 * terminal, which lists them itself.
 */
export function printWarnings(warnings: readonly ScanWarning[], opts: { format: string; output?: string | undefined }): void {
  if (opts.format === 'table' && !opts.output && process.stdout.isTTY === true) return;
  for (const w of warnings) process.stderr.write(`plimsoll: warning: ${warningText(w)}\n`);
}
