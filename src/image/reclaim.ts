// Layer bytes stream through in chunks that live long enough to be promoted out of V8's young
// generation, where only a full collection frees them, and V8 runs one only after external memory
// has grown by about 64 MB: a scan of a large layer would carry that much dead buffer memory at peak.
// When dead-or-alive buffers pass a bound, a full collection is asked for explicitly.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** ArrayBuffer bytes past which a collection is asked for (what is alive is far less: a few chunks). */
const MAX_BUFFERS = 32 * 1024 * 1024;

let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (collect === undefined) {
    try {
      // The collector is reachable from script only with --expose-gc; a context made after the flag is set has it.
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  return collect;
}

/** Collects garbage when buffers (mostly dead chunks) hold more than {@link MAX_BUFFERS}. */
export function reclaimBuffers(): void {
  if (process.memoryUsage().arrayBuffers > MAX_BUFFERS) collector()?.();
}
