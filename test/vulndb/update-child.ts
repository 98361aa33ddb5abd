// Runs one `db update` in its own process, so a test can SIGKILL it in the middle of a build.
// Usage: node --import tsx test/vulndb/update-child.ts DB_DIR MIRROR
import { runDbUpdate } from '../../src/vulndb/index.js';

const [dbDir, mirror] = process.argv.slice(2);
await runDbUpdate({ dbDir, mirror, quiet: true });
