// The package ecosystems Plimsoll knows, one line each: the descriptor in its folder's index.ts.
// Adding an ecosystem is its folder plus one line here; registry.ts derives everything else.
export { apk } from './apk/index.js';
export { binary } from './binary/index.js';
export { cargo } from './cargo/index.js';
export { composer } from './composer/index.js';
export { conda } from './conda/index.js';
export { deb } from './deb/index.js';
export { gem } from './gem/index.js';
export { golang } from './golang/index.js';
export { maven } from './maven/index.js';
export { npm } from './npm/index.js';
export { nuget } from './nuget/index.js';
export { pypi } from './pypi/index.js';
export { rpm } from './rpm/index.js';
