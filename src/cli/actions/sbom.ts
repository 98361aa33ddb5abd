import { reporter } from '../../report/registry.js';
import { buildReport, toInventory } from '../../report/report.js';
import type { SbomOptions } from '../commands/sbom.js';
import { loadInventory } from '../load-image.js';
import { writeOutput } from '../output.js';
import { printWarnings } from '../warnings.js';

/** `plimsoll sbom`: the inventory alone, in the chosen format. */
export async function runSbom(ref: string | undefined, opts: SbomOptions): Promise<void> {
  const { image, inventory } = await loadInventory(ref, opts);
  const report = buildReport(image, { inventory });
  const text = await reporter(opts.format).render({ subject: 'image', report, inventory: toInventory(image, inventory) }, {});
  await writeOutput(text, opts.output);
  printWarnings(report.warnings, opts);
}
