// The analyzer lists are derived from the ecosystem registry.
export { ALL_ANALYZERS, OS_ANALYZERS } from '../ecosystems/registry.js';
