// Conda packages: the records conda, mamba and micromamba keep in each environment's conda-meta/.
// No advisory feed covers conda channels, so, like other ecosystems without one, they are inventoried
// and matched only through NVD CPEs. Conda's own version order is not needed for that, so none is declared.
import { defineEcosystem } from '../ecosystem.js';
import { condaMetaAnalyzer } from './conda-meta.js';

export { condaPurl } from './purl.js';

export const conda = defineEcosystem({
  type: 'conda',
  purlType: 'conda',
  os: false,
  analyzers: [{ stage: 'manifest', analyzer: condaMetaAnalyzer }],
  versions: {},
});
