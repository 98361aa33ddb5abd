// FIRST's daily EPSS scores, `epss_scores-YYYY-MM-DD.csv.gz`: a line
// `#model_version:v2025.03.14,score_date:2025-03-14T12:55:00Z`, the header `cve,epss,percentile`,
// then one row per CVE (about 300,000). Unpacked and split into lines as a stream: the file is
// never held in memory.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { isoDate } from '../data-date.js';
import type { FeedItem } from '../types.js';

/** A real row is under 50 bytes; a longer line is a broken or hostile file (one endless line of a gzip bomb). */
const MAX_LINE_CHARS = 1024;
/** The real file unpacks to about 12 MB: room for decades of CVEs, and a stop for a gzip bomb. */
const MAX_UNPACKED_BYTES = 1024 * 1024 * 1024;
const HEADER = 'cve,epss,percentile';
const CVE_ID = /^CVE-\d{4}-\d{4,}$/;
const DECIMAL = /^\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

export async function* readEpss(path: string): AsyncGenerator<FeedItem> {
  await checkGzip(path);
  let date = '';
  let lineNo = 0;
  let scores = 0;
  for await (const line of lines(path)) {
    const at = `line ${++lineNo}`;
    if (lineNo === 1) {
      const iso = scoreDate(line, at);
      date = iso.slice(0, 10);
      yield { kind: 'data-date', date: iso };
    } else if (lineNo === 2) {
      if (line !== HEADER) throw new Error(`${at}: expected the header "${HEADER}", got ${quote(line)}`);
    } else if (line !== '') {
      yield { kind: 'epss', score: row(line, date, at) };
      scores++;
    }
  }
  if (scores === 0) throw new Error(`holds no scores (${lineNo} lines)`);
}

async function checkGzip(path: string): Promise<void> {
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(2), 0, 2, 0);
    if (bytesRead < 2 || buffer[0] !== 0x1f || buffer[1] !== 0x8b) throw new Error('not gzip-compressed (FIRST publishes epss_scores-YYYY-MM-DD.csv.gz)');
  } finally {
    await file.close();
  }
}

/** The unpacked text line by line, without the line ends. */
async function* lines(path: string): AsyncGenerator<string> {
  // pipeline carries a read error into the gunzip stream, so the loop below sees it.
  const gunzip = pipeline(createReadStream(path), createGunzip(), () => undefined);
  const decoder = new StringDecoder('utf8');
  let unpacked = 0;
  let count = 0;
  let rest = '';
  const tooLong = () => new Error(`line ${count + 1}: longer than ${MAX_LINE_CHARS} characters`);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      unpacked += chunk.length;
      if (unpacked > MAX_UNPACKED_BYTES) throw new Error(`unpacks to more than ${MAX_UNPACKED_BYTES} bytes`);
      const parts = (rest + decoder.write(chunk)).split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) {
        if (part.length > MAX_LINE_CHARS) throw tooLong();
        count++;
        yield part.endsWith('\r') ? part.slice(0, -1) : part;
      }
      if (rest.length > MAX_LINE_CHARS) throw tooLong();
    }
  } catch (err) {
    // zlib's codes (Z_BUF_ERROR for a truncated file, Z_DATA_ERROR for damage) name no file.
    if ((err as NodeJS.ErrnoException).code?.startsWith('Z_')) throw new Error(`not a complete gzip file (${(err as Error).message})`, { cause: err });
    throw err;
  }
  rest += decoder.end();
  if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

/** The `score_date` of the first line, as an ISO instant. */
function scoreDate(line: string, at: string): string {
  const iso = isoDate(/^#(?:.*,)?score_date:([^,]*)/.exec(line)?.[1]);
  if (!iso) throw new Error(`${at}: expected "#model_version:…,score_date:YYYY-MM-DDThh:mm:ssZ", got ${quote(line)}`);
  return iso;
}

function row(line: string, date: string, at: string): { cve: string; score: number; percentile: number; date: string } {
  const fields = line.split(',');
  const [cve = '', epss = '', percentile = ''] = fields;
  if (fields.length !== 3) throw new Error(`${at}: expected 3 fields (${HEADER}), got ${fields.length}: ${quote(line)}`);
  if (!CVE_ID.test(cve)) throw new Error(`${at}: ${quote(cve)} is not a CVE id`);
  return { cve, score: probability(epss, 'epss', at), percentile: probability(percentile, 'percentile', at), date };
}

function probability(text: string, field: string, at: string): number {
  const value = Number(text);
  if (!DECIMAL.test(text) || !(value >= 0 && value <= 1)) throw new Error(`${at}: ${field} ${quote(text)} is not a number from 0 to 1`);
  return value;
}

/** Hostile text stays on one line and short in an error message. */
function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
