// PyPI: API tokens, macaroons whose base64 starts with the encoded "pypi.org" (or "test.pypi.org") location.
import { ROTATE, matchGroup, type SecretRule } from './rule.js';

export const pypiRules: SecretRule[] = [
  {
    id: 'PLM-SECRET-PYPI-TOKEN',
    title: 'PyPI API token',
    severity: 'CRITICAL',
    remediation: `${ROTATE} Remove the token in the PyPI account settings and prefer trusted publishing.`,
    keywords: ['pypi-AgE'],
    find: (text) => matchGroup(text, /(?<![A-Za-z0-9_-])(pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,})/g),
  },
];
