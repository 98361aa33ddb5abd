// The vocabulary of a scan's options, apart from the scan itself so the CLI's help can name it
// without loading the scanner.

/** What `plimsoll image --scanners` chooses between. */
export const SCANNERS = ['vuln', 'config', 'secret'] as const;
export type Scanner = (typeof SCANNERS)[number];

/** What `--pkg-types` chooses between, as Trivy names them: OS packages, and language packages. */
export const PKG_TYPES = ['os', 'library'] as const;
export type PkgType = (typeof PKG_TYPES)[number];
