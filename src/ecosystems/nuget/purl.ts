import { formatPurl } from '../../model/purl.js';

/** `pkg:nuget/Newtonsoft.Json@13.0.3`: NuGet ids keep their case in purls. */
export function nugetPurl(name: string, version: string): string {
  return formatPurl({ type: 'nuget', name, version });
}
