// Differential test: every tar variant is read by Plimsoll's layer reader and by Go's archive/tar
// (what containerd and Docker unpack layers with); both must see the same entries, or both refuse.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readLayer } from '../../src/image/layer-reader.js';
import { normalizeImagePath } from '../../src/image/paths.js';
import { tarVariants } from './tar-variants.js';

const LISTER = `package main

import (
	"archive/tar"
	"encoding/json"
	"io"
	"os"
)

type entry struct {
	Name string \`json:"name"\`
	Type string \`json:"type"\`
	Size int64  \`json:"size"\`
	Link string \`json:"link"\`
}

func main() {
	tr := tar.NewReader(os.Stdin)
	out := struct {
		Entries []entry \`json:"entries"\`
		Error   string  \`json:"error"\`
	}{Entries: []entry{}}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err == nil && h.Typeflag != tar.TypeXGlobalHeader {
			out.Entries = append(out.Entries, entry{h.Name, string(h.Typeflag), h.Size, h.Linkname})
			_, err = io.Copy(io.Discard, tr)
		}
		if err != nil {
			out.Error = err.Error()
			break
		}
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
`;

interface GoListing {
  entries: { name: string; type: string; size: number; link: string }[];
  error: string;
}

const TYPES: Record<string, string> = { '0': 'file', '1': 'hardlink', '2': 'symlink', '3': 'char', '4': 'block', '5': 'dir', '6': 'fifo' };

/** Go's entries in the layer reader's terms: normalised paths, filesystem types, sizes of files only. */
function goView(listing: GoListing): string[] {
  return listing.entries
    .filter((e) => TYPES[e.type] && normalizeImagePath(e.name) !== '')
    .map((e) => `${TYPES[e.type]} ${normalizeImagePath(e.name)} ${TYPES[e.type] === 'file' ? e.size : 0}`);
}

const goMissing =
  spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0
    ? undefined
    : 'the go toolchain is not installed (golang-go; .ci/run installs it through the testbed install-tools.sh)';

describe('tar variants: Plimsoll reads what Go archive/tar reads', { skip: goMissing }, () => {
  let lister = '';
  before(() => {
    const dir = mkdtempSync(join(tmpdir(), 'plimsoll-go-tar-'));
    writeFileSync(join(dir, 'main.go'), LISTER);
    lister = join(dir, 'tar-list');
    // Standard library only: no module download, no network.
    const built = spawnSync('go', ['build', '-o', lister, 'main.go'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'off' },
    });
    assert.equal(built.status, 0, built.stderr);
  });

  for (const variant of tarVariants()) {
    it(variant.name, async () => {
      const run = spawnSync(lister, [], { input: variant.tar, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const go = JSON.parse(run.stdout) as GoListing;
      assert.equal(go.error === '', variant.readable, `Go ${variant.readable ? 'reads' : 'refuses'} this variant (${go.error})`);
      let ours: string[] | Error;
      try {
        const content = await readLayer(
          Readable.from([variant.tar]),
          { index: 0, digest: 'sha256:test' },
          { requests: [], maxLayerSize: 1 << 30, what: 'layer' },
        );
        ours = [...content.entries].map((e) => `${e.type} ${e.path} ${e.size}`);
      } catch (err) {
        ours = err as Error;
      }
      if (go.error) assert.ok(ours instanceof Error, `Go refuses (${go.error}); Plimsoll read ${JSON.stringify(ours)}`);
      else assert.deepEqual(ours, goView(go));
    });
  }
});
