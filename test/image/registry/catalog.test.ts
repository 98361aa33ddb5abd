// The catalog lister's paging on a loopback registry that pages tags lists too (distribution 2.8
// pages only the catalog; the real-registry paging test is in test/server/registry-scan.test.ts),
// and the refusal to follow a Link to another origin with the credentials.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RegistryLister, nextLink } from '../../../src/image/registry/catalog.js';
import { startServer } from './fake-registry.js';

describe('registry catalog lister', () => {
  it('follows rel="next" Link headers through every tags page', async () => {
    const pages: Record<string, { tags: string[]; link?: string }> = {
      '/v2/app/tags/list?n=2': { tags: ['1', '2'], link: '</v2/app/tags/list?last=2&n=2>; rel="next"' },
      '/v2/app/tags/list?last=2&n=2': { tags: ['3', '4'], link: '</v2/app/tags/list?last=4&n=2>; rel="next"' },
      '/v2/app/tags/list?last=4&n=2': { tags: ['5'] },
    };
    const server = await startServer((req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end('{}');
      const page = pages[req.url ?? ''];
      if (!page) return void res.writeHead(404).end();
      res
        .writeHead(200, { 'content-type': 'application/json', ...(page.link ? { link: page.link } : {}) })
        .end(JSON.stringify({ name: 'app', tags: page.tags }));
    });
    try {
      const lister = new RegistryLister(server.registry, 'test', {}, 2);
      const tags: string[] = [];
      for await (const t of lister.tags('app')) tags.push(t);
      lister.close();
      assert.deepEqual(tags, ['1', '2', '3', '4', '5']);
    } finally {
      await server.close();
    }
  });

  it('refuses a next page on another origin, where the credentials would go', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200).end('{}');
      res
        .writeHead(200, { 'content-type': 'application/json', link: '<http://elsewhere.example/v2/_catalog?last=a>; rel="next"' })
        .end('{"repositories":["a"]}');
    });
    try {
      const lister = new RegistryLister(server.registry, 'test', {});
      const seen: string[] = [];
      await assert.rejects(async () => {
        for await (const r of lister.repositories()) seen.push(r);
      }, /next page is on another origin \(http:\/\/elsewhere\.example\)/);
      lister.close();
      assert.deepEqual(seen, ['a']);
    } finally {
      await server.close();
    }
  });

  it('reads rel="next" among several links and parameters', () => {
    const base = new URL('https://r.example/v2/_catalog?n=1');
    assert.equal(nextLink('</a>; rel="prev", </v2/_catalog?last=x&n=1>; title="t"; rel="next"', base)?.href, 'https://r.example/v2/_catalog?last=x&n=1');
    assert.equal(nextLink(undefined, base), undefined);
    assert.equal(nextLink('</a>; rel="prev"', base), undefined);
  });
});
