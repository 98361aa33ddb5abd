// Runs the scan the way `plimsoll image` does: one read with the inventory's and hardening's requests, then the checks.
import { openImage } from '../../src/image/open.js';
import { readImage } from '../../src/image/scan.js';
import { ALL_ANALYZERS } from '../../src/inventory/analyzers.js';
import { analyzeFilesystem, fileRequests } from '../../src/inventory/run.js';
import { hardeningRequests, runHardening, type HardeningResult } from '../../src/hardening/run.js';

export async function scanHardening(ref: string): Promise<HardeningResult> {
  const image = await openImage(ref);
  try {
    const contents = await readImage(image, { requests: [...fileRequests(ALL_ANALYZERS), ...hardeningRequests(image.config)] });
    const { os, packages } = await analyzeFilesystem(contents.fs, ALL_ANALYZERS);
    return runHardening({ image, contents, ...(os ? { os } : {}), packages });
  } finally {
    await image.close();
  }
}
