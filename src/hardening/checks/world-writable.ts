// World-writable files, and world-writable directories without the sticky bit (anyone may replace others' files).
import type { FileType } from '../../image/files.js';
import type { Check, CheckFinding } from '../check.js';

/** A world-writable file, or a world-writable directory without the sticky bit. */
export function isWorldWritableFlagged(type: FileType, mode: number): boolean {
  const writable = (mode & 0o002) !== 0;
  return type === 'dir' ? writable && (mode & 0o1000) === 0 : (type === 'file' || type === 'hardlink') && writable;
}

export const worldWritableCheck: Check = {
  id: 'PLM-WORLD-WRITABLE',
  group: 'config',
  run(ctx) {
    const out: CheckFinding[] = [];
    for (const file of ctx.files.worldWritable) {
      out.push({
        id: this.id,
        kind: 'file',
        severity: 'MEDIUM',
        title: file.type === 'dir' ? `World-writable directory without sticky bit: ${file.path}` : `World-writable file: ${file.path}`,
        path: file.path,
        layer: file.layer,
        evidence: `mode ${file.mode.toString(8).padStart(4, '0')}`,
        remediation: file.type === 'dir' ? `\`chmod o-w /${file.path}\`, or \`chmod +t\` when it must be shared like /tmp.` : `\`chmod o-w /${file.path}\`.`,
      });
    }
    return out;
  },
};
