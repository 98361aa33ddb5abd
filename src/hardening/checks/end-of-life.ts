// The OS release is past its end of life: no more security fixes for anything in it.
import type { Check } from '../check.js';

export const endOfLifeCheck: Check = {
  id: 'PLM-EOL-OS',
  group: 'config',
  run(ctx) {
    const os = ctx.os;
    if (!os?.eol) return [];
    const release = ctx.contents.fs.resolve('etc/os-release') ?? ctx.contents.fs.resolve('etc/alpine-release') ?? ctx.contents.fs.resolve('etc/debian_version');
    return [
      {
        id: this.id,
        kind: 'config',
        severity: 'HIGH',
        title: `${os.name ?? os.family} ${os.version} is end-of-life${os.eolDate ? ` since ${os.eolDate}` : ''}`,
        ...(release ? { path: release.path, layer: release.layer } : {}),
        evidence: `${os.family} ${os.version}`,
        remediation: 'Rebuild on a supported release of the base image; an end-of-life release gets no security updates.',
      },
    ];
  },
};
