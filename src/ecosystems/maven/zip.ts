// Zip archives read from memory with yauzl (already Plimsoll's zip reader for OSV feeds): it reads
// the central directory, inflates one entry at a time as a stream and checks that each entry
// inflates to exactly its declared size, so a size limit checked on the declaration holds.

/** A limit of the shared budget was hit: a zip bomb, or an archive too big to read in memory. */
export class ArchiveLimitError extends Error {}

/** Limits shared by an archive and everything nested in it, decremented as entries are read. */
export interface ZipBudget {
  /** Entries left to list. */
  entries: number;
  /** Inflated bytes left to read. */
  bytes: number;
}

export interface ZipEntryBody {
  name: string;
  body: Buffer;
}

/**
 * The bodies of the entries `want` selects, in archive order. Every listed entry costs one from
 * `budget.entries` and every read byte one from `budget.bytes`; running out throws ArchiveLimitError.
 * A corrupt archive rejects with yauzl's error.
 */
export async function readZipEntries(buffer: Buffer, want: (name: string) => boolean, budget: ZipBudget): Promise<ZipEntryBody[]> {
  // Imported here: most images hold no jar, and the CLI's start-up pays for every module it loads.
  const { default: yauzl } = await import('yauzl');
  const zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true, validateEntrySizes: true });
  const out: ZipEntryBody[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      if (--budget.entries < 0) throw new ArchiveLimitError('too many entries');
      if (entry.fileName.endsWith('/') || !want(entry.fileName) || entry.isEncrypted()) continue;
      if (entry.uncompressedSize > budget.bytes) {
        throw new ArchiveLimitError(`${entry.fileName} would inflate to ${entry.uncompressedSize} bytes, over the ${budget.bytes} left`);
      }
      budget.bytes -= entry.uncompressedSize;
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      out.push({ name: entry.fileName, body: Buffer.concat(chunks) });
    }
  } finally {
    zip.close();
  }
  return out;
}
