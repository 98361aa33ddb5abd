// An NVD CVE API 2.0 `cve` object → the NvdRecord Plimsoll stores: every CVSS metric with its
// source and type, the CWE ids, the CPE configurations and the dates. The same shape comes from
// the API (`vulnerabilities[].cve`) and from fkie-cad/nvd-json-data-feeds files.
import { isObject } from '../feeds/osv-record.js';
import type { CpeConfiguration, CpeMatch, CpeNode, CvssMetric, CvssVersion, NvdRecord } from '../types.js';

const METRIC_KEYS: [string, CvssVersion][] = [
  ['cvssMetricV40', '4.0'],
  ['cvssMetricV31', '3.1'],
  ['cvssMetricV30', '3.0'],
  ['cvssMetricV2', '2.0'],
];

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Throws an Error saying what is wrong when the object is not an NVD `cve`. */
export function toNvdRecord(value: unknown): NvdRecord {
  if (!isObject(value)) throw new Error('not a JSON object');
  const id = str(value.id);
  if (!id || !/^CVE-\d{4}-\d{4,}$/.test(id)) throw new Error('no CVE "id"');
  const published = str(value.published);
  const lastModified = str(value.lastModified);
  if (!published || !lastModified) throw new Error(`${id}: no "published" or "lastModified"`);
  const description = list(value.descriptions)
    .filter(isObject)
    .find((d) => d.lang === 'en');
  const vulnStatus = str(value.vulnStatus);
  return {
    id,
    published,
    lastModified,
    ...(vulnStatus ? { vulnStatus } : {}),
    ...(typeof description?.value === 'string' ? { description: description.value } : {}),
    cvss: metrics(value.metrics),
    cwes: cwes(value.weaknesses),
    configurations: list(value.configurations).filter(isObject).map(configuration),
  };
}

function metrics(value: unknown): CvssMetric[] {
  if (!isObject(value)) return [];
  const out: CvssMetric[] = [];
  for (const [key, version] of METRIC_KEYS) {
    for (const metric of list(value[key]).filter(isObject)) {
      const data = metric.cvssData;
      if (!isObject(data) || typeof data.vectorString !== 'string' || typeof data.baseScore !== 'number') continue;
      // v2 keeps baseSeverity beside cvssData, v3 and v4 inside it.
      const severity = str(data.baseSeverity) ?? str(metric.baseSeverity);
      out.push({
        source: str(metric.source) ?? '',
        type: metric.type === 'Secondary' ? 'Secondary' : 'Primary',
        version,
        vector: data.vectorString,
        baseScore: data.baseScore,
        ...(severity ? { baseSeverity: severity } : {}),
      });
    }
  }
  return out;
}

function cwes(value: unknown): string[] {
  const ids = list(value)
    .filter(isObject)
    .flatMap((w) =>
      list(w.description)
        .filter(isObject)
        .map((d) => str(d.value) ?? ''),
    )
    .filter((id) => /^CWE-\d+$/.test(id));
  return [...new Set(ids)];
}

function configuration(value: Record<string, unknown>): CpeConfiguration {
  return {
    ...(value.operator === 'AND' || value.operator === 'OR' ? { operator: value.operator } : {}),
    ...(value.negate === true ? { negate: true } : {}),
    nodes: list(value.nodes).filter(isObject).map(node),
  };
}

function node(value: Record<string, unknown>): CpeNode {
  return {
    operator: value.operator === 'AND' ? 'AND' : 'OR',
    ...(value.negate === true ? { negate: true } : {}),
    cpeMatch: list(value.cpeMatch)
      .filter(isObject)
      .flatMap((m): CpeMatch[] => {
        const criteria = str(m.criteria);
        if (!criteria) return [];
        const bounds = ['versionStartIncluding', 'versionStartExcluding', 'versionEndIncluding', 'versionEndExcluding'] as const;
        return [{ criteria, vulnerable: m.vulnerable === true, ...Object.fromEntries(bounds.flatMap((b) => (typeof m[b] === 'string' ? [[b, m[b]]] : []))) }];
      }),
  };
}
