// Runs one NVD sync in its own process, fast (no real rate limit or backoff), so a test can
// SIGKILL it part-way. Usage: node --import tsx test/vulndb/nvd-sync-child.ts DB_DIR API_URL PAGE_SIZE
import { syncNvd } from '../../src/vulndb/nvd/sync.js';

const [dbDir = '', url = '', pageSize = ''] = process.argv.slice(2);
await syncNvd(url, dbDir, { pageSize: Number(pageSize), rate: { requests: 1000, windowMs: 1 }, backoffMs: 10, timeoutMs: 60_000 });
