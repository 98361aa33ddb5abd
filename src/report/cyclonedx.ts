// CycloneDX 1.6 JSON (https://cyclonedx.org/docs/1.6/json/) of an inventory.
import { inventoryUuid, plimsollVersion, type Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import { andExpression, classifyLicense } from './spdx-license.js';

export interface SbomOptions {
  /** Creation time written into the document (default: now). */
  timestamp?: Date;
}

type Property = { name: string; value: string };

function properties(p: Package): Property[] {
  const props: Property[] = [{ name: 'plimsoll:package:type', value: p.type }];
  if (p.source) {
    props.push({ name: 'plimsoll:package:source:name', value: p.source.name });
    props.push({ name: 'plimsoll:package:source:version', value: p.source.version });
  }
  if (p.arch) props.push({ name: 'plimsoll:package:arch', value: p.arch });
  for (const location of p.locations) {
    props.push({ name: 'plimsoll:layer:digest', value: location.layer.digest });
    if (location.layer.diffId) props.push({ name: 'plimsoll:layer:diffID', value: location.layer.diffId });
  }
  for (const [key, value] of Object.entries(p.metadata ?? {})) props.push({ name: `plimsoll:package:${key}`, value: String(value) });
  return props;
}

/**
 * CycloneDX takes either a list of `{license: {id | name}}` or exactly one `{expression}`: SPDX
 * expressions (with any bare ids) become one expression when every licence is SPDX; with a non-SPDX
 * name among them they go in as names. Licences from package metadata are what the authors declared.
 */
function licenses(recorded: string[]): Record<string, unknown>[] {
  const acknowledgement = 'declared';
  const classes = recorded.map((text) => ({ text, spdx: classifyLicense(text) }));
  const spdx = classes.flatMap((c) => (c.spdx.kind === 'name' ? [] : [c.spdx]));
  if (spdx.some((c) => c.kind === 'expression') && spdx.length === classes.length) return [{ expression: andExpression(spdx), acknowledgement }];
  const entries = classes.map((c) => (c.spdx.kind === 'id' ? { id: c.spdx.id } : { name: c.text }));
  const unique = new Map(entries.map((license) => [JSON.stringify(license), license]));
  return [...unique.values()].map((license) => ({ license: { ...license, acknowledgement } }));
}

function component(p: Package): Record<string, unknown> {
  return {
    type: 'library',
    'bom-ref': p.id,
    name: p.name,
    version: p.version,
    purl: p.purl,
    ...(p.licenses?.length ? { licenses: licenses(p.licenses) } : {}),
    evidence: { occurrences: p.locations.map((l) => ({ location: l.path })) },
    properties: properties(p),
  };
}

/** The CycloneDX document (a plain object; JSON.stringify it to write). */
export function toCycloneDx(inventory: Inventory, options: SbomOptions = {}): Record<string, unknown> {
  const timestamp = (options.timestamp ?? new Date()).toISOString();
  const { artifact, os } = inventory;
  const osRef = 'plimsoll:os';
  const imageRef = 'plimsoll:image';
  const components: Record<string, unknown>[] = [];
  // The layers in order, so a reader (the server) can tell a package's layer index and the image's base layers.
  const imageProperties: Property[] = [
    ...(artifact.platform
      ? [
          {
            name: 'plimsoll:image:platform',
            value: [artifact.platform.os, artifact.platform.architecture, artifact.platform.variant].filter(Boolean).join('/'),
          },
        ]
      : []),
    ...(artifact.layers ?? []).map((digest) => ({ name: 'plimsoll:image:layer', value: digest })),
  ];
  if (os) {
    components.push({
      type: 'operating-system',
      'bom-ref': osRef,
      name: os.family,
      version: os.version,
      ...(os.name ? { description: os.name } : {}),
      properties: [
        ...(os.codename ? [{ name: 'plimsoll:os:codename', value: os.codename }] : []),
        ...(os.eolDate ? [{ name: 'plimsoll:os:eolDate', value: os.eolDate }] : []),
        ...(os.eol !== undefined ? [{ name: 'plimsoll:os:eol', value: String(os.eol) }] : []),
      ],
    });
  }
  components.push(...inventory.packages.map(component));
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${inventoryUuid(inventory, timestamp)}`,
    version: 1,
    metadata: {
      timestamp,
      tools: { components: [{ type: 'application', name: 'plimsoll', version: plimsollVersion() }] },
      component: {
        type: 'container',
        'bom-ref': imageRef,
        name: artifact.ref,
        ...(artifact.digest ? { version: artifact.digest } : {}),
        ...(imageProperties.length > 0 ? { properties: imageProperties } : {}),
      },
      ...(os ? {} : { properties: [{ name: 'plimsoll:os', value: 'no recognisable OS' }] }),
    },
    components,
    dependencies: [{ ref: imageRef, dependsOn: components.map((c) => c['bom-ref'] as string) }],
  };
}
