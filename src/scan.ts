import { runHardening, hardeningRequests } from './hardening/run.js';
import type { CheckGroup } from './hardening/check.js';
import { openImage } from './image/open.js';
import type { ResolvedImage, SourceOptions } from './image/types.js';
import { inventoryImage } from './inventory/run.js';
import { PlimsollError } from './errors.js';
import { buildReport, type Report } from './report/report.js';

/** What `plimsoll image --scanners` chooses between. */
export const SCANNERS = ['config', 'secret'] as const;
export type Scanner = (typeof SCANNERS)[number];

export interface ScanOptions {
  scanners?: readonly Scanner[];
  maxLayerSize?: number;
}

export function parseScanners(text: string): Scanner[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!(SCANNERS as readonly string[]).includes(name)) throw new PlimsollError(`--scanners: unknown scanner "${name}" (known: ${SCANNERS.join(', ')})`);
  }
  return names as Scanner[];
}

/** Reads a resolved image once and builds the full report: inventory, then hardening. */
export async function scanResolvedImage(image: ResolvedImage, options: ScanOptions = {}): Promise<Report> {
  const scanners = options.scanners ?? SCANNERS;
  const groups: CheckGroup[] = scanners.filter((s): s is CheckGroup => s === 'config' || s === 'secret');
  const inventory = await inventoryImage(image, {
    ...(options.maxLayerSize ? { maxLayerSize: options.maxLayerSize } : {}),
    extraRequests: groups.length > 0 ? hardeningRequests(image.config) : [],
  });
  const hardening = groups.length > 0 ? runHardening({ image, contents: inventory.contents, ...(inventory.os ? { os: inventory.os } : {}), packages: inventory.packages, groups }) : undefined;
  return buildReport(image, inventory, hardening);
}

/** The whole job for a library user: `await scanImage('oci:/path/layout:tag')`. */
export async function scanImage(ref: string, options: ScanOptions & SourceOptions = {}): Promise<Report> {
  const image = await openImage(ref, options);
  try {
    return await scanResolvedImage(image, options);
  } finally {
    await image.close();
  }
}
