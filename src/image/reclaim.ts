// Layer bytes stream through in chunks (256 KiB each from gunzip) whose memory is outside V8's heap, and
// the heap itself is barely touched while they flow: V8 would collect them only after external memory
// had grown by about 64 MB, so a scan of a large layer would carry that much dead buffer memory. The
// chunks die young, so a young-generation collection (a scavenge: well under a millisecond, as little
// lives there) frees them; a full collection is asked for only when buffers pile up anyway (chunks that
// lived long enough to be promoted, such as a large body's parts).
//
// The young generation is also kept at its starting size (1 MiB semi-spaces), from the moment this
// module loads (the CLI and the library alike): left to grow, it reaches 16 MiB semi-spaces (32 MiB of
// memory) while modules load and layers stream, and with so much new space V8 starts a full marking
// every few dozen milliseconds, the old generation's headroom looking small beside it. Measured on
// debian-app's `plimsoll image`: peak RSS 158 -> 131 MB, CPU time the same within noise.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** ArrayBuffer bytes past which a full collection is asked for (what is alive is far less: a few chunks). */
const MAX_BUFFERS = 32 * 1024 * 1024;
/**
 * Bytes streamed (by all the layers read at once) between scavenges. A chunk still in use at two
 * scavenges is promoted, and then only a full collection frees it: far enough apart that few are.
 */
const SCAVENGE_EVERY = 8 * 1024 * 1024;

let streamed = 0;

// Read each time the young generation would grow (a start-up flag such as --max-semi-space-size is read
// only once, before any script runs).
setFlagsFromString('--semi-space-growth-factor=1');

type Collector = (options?: { type: 'minor' | 'major' }) => void;

let collect: Collector | null | undefined;

function collector(): Collector | null {
  if (collect === undefined) {
    try {
      // The collector is reachable from script only with --expose-gc; a context made after the flag is set has it.
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as Collector;
    } catch {
      collect = null;
    }
  }
  return collect;
}

/**
 * Notes `bytes` more streamed; every {@link SCAVENGE_EVERY} bytes, frees the dead chunks: a scavenge,
 * or a full collection when buffers hold more than {@link MAX_BUFFERS}.
 */
export function streamedBytes(bytes: number): void {
  const gc = collector();
  streamed += bytes;
  if (streamed < SCAVENGE_EVERY || !gc) return;
  streamed = 0;
  if (process.memoryUsage().arrayBuffers > MAX_BUFFERS) gc();
  else gc({ type: 'minor' });
}
