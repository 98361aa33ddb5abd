import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatReference, parseReference } from '../../src/image/reference.js';
import { PlimsollError } from '../../src/errors.js';

describe('image references (skopeo/podman transports)', () => {
  const cases: [string, object][] = [
    ['oci:/tmp/layout', { transport: 'oci', path: '/tmp/layout', tag: undefined }],
    ['oci:/tmp/layout:1.0', { transport: 'oci', path: '/tmp/layout', tag: '1.0' }],
    ['oci:/tmp/a:b/layout', { transport: 'oci', path: '/tmp/a:b/layout', tag: undefined }],
    ['oci-archive:img.tar:v2', { transport: 'oci-archive', path: 'img.tar', tag: 'v2' }],
    ['docker-archive:/x/app.tar', { transport: 'docker-archive', path: '/x/app.tar' }],
    ['docker-archive:/x/app.tar:testbed/app:1.0', { transport: 'docker-archive', path: '/x/app.tar', name: 'testbed/app:1.0' }],
    ['dir:/srv/rootfs', { transport: 'dir', path: '/srv/rootfs' }],
    ['alpine', { transport: 'docker', registry: 'registry-1.docker.io', repository: 'library/alpine', tag: 'latest', digest: undefined }],
    ['alpine:3.20', { transport: 'docker', registry: 'registry-1.docker.io', repository: 'library/alpine', tag: '3.20', digest: undefined }],
    ['docker.io/bitnami/redis:7', { transport: 'docker', registry: 'registry-1.docker.io', repository: 'bitnami/redis', tag: '7', digest: undefined }],
    [
      'ghcr.io/org/app@sha256:' + 'a'.repeat(64),
      { transport: 'docker', registry: 'ghcr.io', repository: 'org/app', tag: undefined, digest: 'sha256:' + 'a'.repeat(64) },
    ],
    ['localhost:5000/app:1', { transport: 'docker', registry: 'localhost:5000', repository: 'app', tag: '1', digest: undefined }],
    ['127.0.0.1:5000/testbed/app:1', { transport: 'docker', registry: '127.0.0.1:5000', repository: 'testbed/app', tag: '1', digest: undefined }],
    ['docker://127.0.0.1:5000/testbed/app:1', { transport: 'docker', registry: '127.0.0.1:5000', repository: 'testbed/app', tag: '1', digest: undefined }],
    ['docker://alpine', { transport: 'docker', registry: 'registry-1.docker.io', repository: 'library/alpine', tag: 'latest', digest: undefined }],
  ];
  for (const [text, expected] of cases) {
    it(text, () => assert.deepEqual(parseReference(text), expected));
  }

  for (const bad of ['', 'podman:foo/bar', 'UPPER/case:1', 'app:bad tag', 'app@sha256:short', 'docker:alpine']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseReference(bad), PlimsollError));
  }

  for (const text of [
    'oci:/tmp/layout:1.0',
    'oci-archive:img.tar',
    'docker-archive:/x/app.tar:testbed/app:1.0',
    'dir:/srv/rootfs',
    'docker://ghcr.io/org/app:2',
  ]) {
    it(`formats ${text} back to itself`, () => assert.equal(formatReference(parseReference(text)), text));
  }
  it('spells out Docker Hub defaults', () => assert.equal(formatReference(parseReference('alpine')), 'docker://registry-1.docker.io/library/alpine:latest'));
});
