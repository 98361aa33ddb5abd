// CPE 2.3 formatted strings (NISTIR 7695): `cpe:2.3:part:vendor:product:version:update:edition:
// language:sw_edition:target_sw:target_hw:other`, with `\` escaping a literal `:` and others.

export interface Cpe {
  part: string;
  vendor: string;
  product: string;
  version: string;
  update: string;
  edition: string;
  language: string;
  swEdition: string;
  targetSw: string;
  targetHw: string;
  other: string;
}

const FIELDS = ['part', 'vendor', 'product', 'version', 'update', 'edition', 'language', 'swEdition', 'targetSw', 'targetHw', 'other'] as const;

/** Splits on unescaped colons; undefined for anything that is not a CPE 2.3 formatted string. */
export function parseCpe(text: string): Cpe | undefined {
  if (!text.startsWith('cpe:2.3:')) return undefined;
  const parts: string[] = [];
  let current = '';
  for (let i = 'cpe:2.3:'.length; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
    } else if (c === ':') {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  if (parts.length !== FIELDS.length) return undefined;
  return Object.fromEntries(FIELDS.map((f, i) => [f, parts[i] ?? '*'])) as unknown as Cpe;
}

/** The vendor and product a configuration names (NVD writes them in lower case already). */
export function cpeProduct(criteria: string): { vendor: string; product: string } | undefined {
  const cpe = parseCpe(criteria);
  if (!cpe || cpe.vendor === '*' || cpe.product === '*') return undefined;
  return { vendor: cpe.vendor, product: cpe.product };
}
