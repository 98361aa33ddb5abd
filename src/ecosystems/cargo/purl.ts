import { formatPurl } from '../../model/purl.js';

/** `pkg:cargo/serde@1.0.200`. */
export function cargoPurl(name: string, version: string): string {
  return formatPurl({ type: 'cargo', name, version });
}
