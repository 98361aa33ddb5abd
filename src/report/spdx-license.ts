// Which recorded licence strings are SPDX (https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/).
import parse from 'spdx-expression-parse';

/**
 * A package's recorded licence, classified:
 * - `id`: one bare SPDX licence id (`MIT`), the only form CycloneDX accepts in `license.id`;
 * - `expression`: any other SPDX expression (`GPL-2.0+`, `GPL-2.0-only WITH Classpath-exception-2.0`,
 *   `MIT OR Apache-2.0`), written canonically; `conjunction` is its top-level operator, if any;
 * - `name`: not SPDX (DEP-5 `GPL-2+`, rpm `GPLv2+`, `MIT or Apache-2.0`), kept exactly as recorded.
 */
export type SpdxLicense = SpdxTerm | { kind: 'name'; name: string };

/** The SPDX kinds of {@link SpdxLicense}. */
export type SpdxTerm = { kind: 'id'; id: string } | { kind: 'expression'; expression: string; conjunction?: 'and' | 'or' };

/** Canonical text: uppercase operators, parentheses only where the operator changes. */
function write(node: parse.Info, parent?: 'and' | 'or'): string {
  if ('conjunction' in node) {
    const text = `${write(node.left, node.conjunction)} ${node.conjunction.toUpperCase()} ${write(node.right, node.conjunction)}`;
    return parent && parent !== node.conjunction ? `(${text})` : text;
  }
  return `${node.license}${node.plus ? '+' : ''}${node.exception ? ` WITH ${node.exception}` : ''}`;
}

function leaves(node: parse.Info): parse.LicenseInfo[] {
  return 'conjunction' in node ? [...leaves(node.left), ...leaves(node.right)] : [node];
}

/** The few distinct licence strings of an image repeat across hundreds of packages and several outputs. */
const classified = new Map<string, SpdxLicense>();

/** Classifies one licence string as a package database recorded it; never corrects it. */
export function classifyLicense(recorded: string): SpdxLicense {
  let result = classified.get(recorded);
  if (!result) classified.set(recorded, (result = classifyUncached(recorded)));
  return result;
}

function classifyUncached(recorded: string): SpdxLicense {
  const name = { kind: 'name', name: recorded } as const;
  // The spec matches operators case-sensitively; the parser also takes `and`/`or`/`with`, which
  // DEP-5 uses with its own (non-SPDX) names, so lowercase operators mean "not SPDX".
  if (recorded.split(/[\s()]+/).some((word) => /^(and|or|with)$/i.test(word) && word !== word.toUpperCase())) return name;
  let tree: parse.Info;
  try {
    tree = parse(recorded);
  } catch {
    return name;
  }
  // A LicenseRef/DocumentRef would need its text (or external document) declared, which a
  // recorded string does not give: such strings stay names.
  if (leaves(tree).some((leaf) => /^(LicenseRef|DocumentRef)-/.test(leaf.license))) return name;
  if (!('conjunction' in tree) && !tree.plus && !tree.exception) return { kind: 'id', id: tree.license };
  return { kind: 'expression', expression: write(tree), ...('conjunction' in tree ? { conjunction: tree.conjunction } : {}) };
}

/** SPDX ids and expressions joined with AND (duplicates once), parenthesising OR expressions. */
export function andExpression(parts: SpdxTerm[]): string {
  const terms = parts.map((p) => (p.kind === 'id' ? p.id : p.conjunction === 'or' ? `(${p.expression})` : p.expression));
  return [...new Set(terms)].join(' AND ');
}
