// Config, manifest and index fields of the wrong JSON type: one line naming the field, exit 2.
import { describe, it } from 'node:test';
import { gzLayer, writeLayout } from '../helpers/make-image.js';
import { assertOneLineError, plimsoll } from '../helpers/cli.js';

describe('image JSON of the wrong type', () => {
  const cases: [string, object, string][] = [
    ['Env holding numbers', { config: { Env: ['PATH=/bin', 42] } }, 'config.config.Env[1] is a number, expected a string'],
    ['history an object', { history: { created_by: 'x' } }, 'config.history is an object, expected an array'],
    ['nested Labels', { config: { Labels: { a: { b: 'c' } } } }, 'config.config.Labels.a is an object, expected a string'],
    ['User a number', { config: { User: 0 } }, 'config.config.User is a number, expected a string'],
    ['diff_ids a string', { rootfs: { type: 'layers', diff_ids: 'sha256:x' } }, 'config.rootfs.diff_ids is a string, expected an array'],
  ];
  for (const [name, config, message] of cases) {
    it(`a config with ${name}`, async () => {
      const dir = writeLayout([await gzLayer([{ name: 'a', body: '1' }])], { config });
      assertOneLineError(plimsoll('sbom', `oci:${dir}`, '--format', 'json'), 'image config', message);
    });
  }

  it('an index whose descriptor size is a string', async () => {
    const indexJson = JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: '12' }],
    });
    const dir = writeLayout([await gzLayer([{ name: 'a', body: '1' }])], { indexJson });
    assertOneLineError(plimsoll('files', `oci:${dir}`), 'index.json', 'index.manifests[0].size is a string, expected a non-negative integer');
  });
});
