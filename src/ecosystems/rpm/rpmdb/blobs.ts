// What every rpm database backend returns: the header blobs it could read, and what it could not.

export interface BlobScan {
  blobs: Buffer[];
  /** Damage met on the way, one short phrase each ("page 7: not a valid page"). */
  problems: string[];
}
