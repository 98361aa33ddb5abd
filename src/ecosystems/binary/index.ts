// Runtimes and libraries identified by their own bytes, which no package manager records: no advisory
// ecosystem, so they are matched through NVD CPEs.
import { defineEcosystem } from '../ecosystem.js';
import { fingerprintAnalyzer } from './fingerprints.js';

export const binary = defineEcosystem({
  type: 'binary',
  purlType: 'generic',
  os: false,
  analyzers: [{ stage: 'fingerprint', analyzer: fingerprintAnalyzer }],
  versions: {},
});
