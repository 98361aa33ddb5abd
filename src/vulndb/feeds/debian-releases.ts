// Debian code names to the release numbers OSV ecosystems use (`Debian:12`), as osv.dev names them.
const RELEASES: Record<string, string> = {
  buzz: '1.1',
  rex: '1.2',
  bo: '1.3',
  hamm: '2.0',
  slink: '2.1',
  potato: '2.2',
  woody: '3.0',
  sarge: '3.1',
  etch: '4.0',
  lenny: '5.0',
  squeeze: '6.0',
  wheezy: '7',
  jessie: '8',
  stretch: '9',
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
  duke: '15',
};

/** `Debian:<number>` for a known code name; unknown ones (sid, future releases) keep their name. */
export function debianEcosystem(codename: string): string {
  return `Debian:${RELEASES[codename] ?? codename}`;
}
