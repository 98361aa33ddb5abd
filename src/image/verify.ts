// The checks containerd and umoci make before they run an image: without them a tampered layer could
// hide packages from the scan while the runtime refuses the image (or the reverse).
import { InputError } from '../errors.js';
import type { ScanWarning } from '../model/warning.js';

/** A check a runtime makes failed. */
export class VerificationError extends InputError {}

/** How an image is verified: strictly, or (--insecure-skip-verify) with failures kept as warnings. */
export interface Verification {
  skipVerify?: boolean;
  /** Failures downgraded to warnings. */
  warnings?: ScanWarning[];
}

/** Fails with a one-line error naming the input, or records a warning when verification is skipped. */
export function verify(image: Verification, ok: boolean, message: string): void {
  if (ok) return;
  if (!image.skipVerify) throw new VerificationError(`${message}; container runtimes refuse this image (--insecure-skip-verify scans it anyway)`);
  (image.warnings ??= []).push({ message: `${message} (not verified: --insecure-skip-verify)`, source: 'image' });
}

/** The config's diff IDs must name each layer, one per layer. */
export function verifyDiffIdCount(image: Verification, what: string, diffIds: readonly unknown[], layers: number): void {
  verify(image, diffIds.length === layers, `${what}: the config lists ${diffIds.length} diff IDs (rootfs.diff_ids) for ${layers} layers`);
}
