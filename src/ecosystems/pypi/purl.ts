import { formatPurl } from '../../model/purl.js';

/** PEP 503 normalised name: lower case, runs of `-`, `_` and `.` become one `-`. */
export function pep503Name(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** `pkg:pypi/charset-normalizer@3.0.1`: the purl spec lower-cases and turns `_` into `-`; PEP 503 also folds `.`. */
export function pypiPurl(name: string, version: string): string {
  return formatPurl({ type: 'pypi', name: pep503Name(name), version });
}
