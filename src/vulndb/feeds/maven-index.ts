// The Maven indexer's transfer format, `.index/nexus-maven-repository-index.gz`, as Maven Central
// and repository managers publish it (apache/maven-indexer IndexDataWriter/IndexDataReader): gzip
// of Java DataOutput: the version byte 1, the index's timestamp (int64 ms, -1 for none), then
// documents until the end, each an int32 field count and per field a flags byte, the name
// (uint16 length + modified UTF-8) and the value (int32 length + modified UTF-8). An artifact's
// document has `u` = `groupId|artifactId|version|classifier|extension` (classifier `NA` for the
// main artifact; older indexes leave the extension to the 7th `|` part of `i`) and `1` = its SHA-1.
// Read as a stream: Central's index unpacks to gigabytes.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { FeedItem } from '../types.js';

const VERSION = 1;
/** Central's largest values (class-name lists) are a few MiB; a larger length is not this format. */
const MAX_VALUE_BYTES = 64 * 1024 * 1024;
const MAX_FIELDS = 1024;
const ARCHIVES = new Set(['jar', 'war', 'ear', 'hpi', 'jpi']);
const SHA1 = /^[0-9a-f]{40}$/;

/** Pulls exact byte counts out of a stream of chunks. */
class ByteReader {
  private buffer = Buffer.alloc(0);
  private offset = 0;
  private done = false;

  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  /** Whether `n` bytes are there; false only at a clean end of the stream. */
  private async fill(n: number): Promise<boolean> {
    while (this.buffer.length - this.offset < n && !this.done) {
      const next = await this.chunks.next();
      if (next.done) {
        this.done = true;
      } else {
        this.buffer = Buffer.concat([this.buffer.subarray(this.offset), next.value]);
        this.offset = 0;
      }
    }
    return this.buffer.length - this.offset >= n;
  }

  async take(n: number, what: string): Promise<Buffer> {
    if (!(await this.fill(n))) throw new Error(`truncated index: ${what} cut short`);
    const out = this.buffer.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** True at the end of the stream, where a document would start. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }
}

interface Document {
  fields: Map<string, string>;
}

async function readDocument(reader: ByteReader, wanted: Set<string>): Promise<Document> {
  const count = (await reader.take(4, 'field count')).readInt32BE(0);
  if (count < 0 || count > MAX_FIELDS) throw new Error(`not a Maven index: a document with ${count} fields`);
  const fields = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    await reader.take(1, 'field flags');
    const nameLength = (await reader.take(2, 'field name length')).readUInt16BE(0);
    const name = (await reader.take(nameLength, 'field name')).toString('latin1');
    const valueLength = (await reader.take(4, 'field value length')).readInt32BE(0);
    if (valueLength < 0 || valueLength > MAX_VALUE_BYTES) throw new Error(`not a Maven index: field "${name}" of ${valueLength} bytes`);
    const value = await reader.take(valueLength, `field "${name}"`);
    // Coordinates and hashes are ASCII, where modified UTF-8 and UTF-8 agree.
    if (wanted.has(name)) fields.set(name, value.toString('utf8'));
  }
  return { fields };
}

const WANTED = new Set(['u', 'i', '1', 'del']);

/** One SHA-1 index row per main archive the index lists; a deleted, pom-only or classified artifact is left out. */
function artifactRow(doc: Document): FeedItem | undefined {
  const uinfo = doc.fields.get('u');
  const sha1 = doc.fields.get('1')?.toLowerCase();
  if (!uinfo || !sha1 || doc.fields.has('del') || !SHA1.test(sha1)) return undefined;
  const [groupId, artifactId, version, classifier, extension = doc.fields.get('i')?.split('|')[6]] = uinfo.split('|');
  if (!groupId || !artifactId || !version || classifier !== 'NA' || !extension || !ARCHIVES.has(extension)) return undefined;
  return { kind: 'maven-artifact', sha1, artifact: { groupId, artifactId, version } };
}

export async function* readMavenIndex(path: string): AsyncGenerator<FeedItem> {
  const reader = new ByteReader(createReadStream(path).pipe(createGunzip())[Symbol.asyncIterator]());
  const version = (await reader.take(1, 'header')).readUInt8(0);
  if (version !== VERSION) throw new Error(`not a Maven index (format version ${version}, expected ${VERSION})`);
  const timestamp = (await reader.take(8, 'header')).readBigInt64BE(0);
  if (timestamp !== -1n) yield { kind: 'data-date', date: new Date(Number(timestamp)).toISOString() };
  while (!(await reader.atEnd())) {
    const row = artifactRow(await readDocument(reader, WANTED));
    if (row) yield row;
  }
}
