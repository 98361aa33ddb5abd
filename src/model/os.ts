/** The operating system an image carries, as its os-release file says. */
export interface OsInfo {
  family: string;
  version: string;
  name?: string;
  codename?: string;
  /** End-of-life date (ISO), when the release table knows it. */
  eolDate?: string;
  eol?: boolean;
}
