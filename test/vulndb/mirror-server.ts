// A loopback HTTP server that serves a mirror directory the way a plain static web server does:
// ETag and Last-Modified on every file, 304 for a matching conditional request, 404 otherwise.
// Tests can read the requests it got and make a path answer with another status (a failing server).
import { createReadStream, statSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface MirrorServer {
  url: string;
  /** How many answers of each status were sent. */
  counts: Map<number, number>;
  /** Every request, in order: its path and headers. */
  requests: { path: string; headers: IncomingHttpHeaders }[];
  /** Paths (`/epss/…`) answered with this status and an empty body instead of the file. */
  failing: Map<string, number>;
  close(): Promise<void>;
}

export async function serveMirror(root: string): Promise<MirrorServer> {
  const counts = new Map<number, number>();
  const requests: MirrorServer['requests'] = [];
  const failing = new Map<string, number>();
  const answer = (res: http.ServerResponse, status: number) => {
    counts.set(status, (counts.get(status) ?? 0) + 1);
    res.statusCode = status;
  };
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push({ path: urlPath, headers: req.headers });
    const failure = failing.get(urlPath);
    if (failure !== undefined) {
      answer(res, failure);
      return res.end();
    }
    const path = join(root, normalize(urlPath));
    let info;
    try {
      info = statSync(path);
    } catch {
      answer(res, 404);
      return res.end();
    }
    if (!info.isFile()) {
      answer(res, 404);
      return res.end();
    }
    const etag = `"${info.size.toString(16)}-${info.mtimeMs.toString(16)}"`;
    const lastModified = info.mtime.toUTCString();
    res.setHeader('etag', etag);
    res.setHeader('last-modified', lastModified);
    const since = req.headers['if-modified-since'];
    if (req.headers['if-none-match'] === etag || (!req.headers['if-none-match'] && since && Date.parse(since) >= Math.floor(info.mtimeMs / 1000) * 1000)) {
      answer(res, 304);
      return res.end();
    }
    answer(res, 200);
    res.setHeader('content-length', info.size);
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    requests,
    failing,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
