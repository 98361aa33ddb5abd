// A warning: something a stage could not do in full, carried with its result to the caller (the
// library never prints). The CLI prints them; the report lists them under `warnings`.

/** The stage that raised a warning. */
export type WarningSource = 'image' | 'inventory' | 'vulndb' | 'match' | 'policy' | 'admission';

export interface ScanWarning {
  message: string;
  /** The file or input concerned. */
  path?: string;
  source?: WarningSource;
}

/** One line: `path: message`. */
export function warningText(warning: ScanWarning): string {
  return warning.path ? `${warning.path}: ${warning.message}` : warning.message;
}
