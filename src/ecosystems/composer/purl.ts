import { formatPurl } from '../../model/purl.js';

/** `pkg:composer/symfony/console@6.4.1`: the vendor is the namespace; names are lower case on Packagist. */
export function composerPurl(name: string, version: string): string {
  const [vendor, project] = name.toLowerCase().split('/', 2);
  return project
    ? formatPurl({ type: 'composer', namespace: vendor, name: project, version })
    : formatPurl({ type: 'composer', name: name.toLowerCase(), version });
}
