// World-writable files, and world-writable directories without the sticky bit (anyone may replace others' files).
import type { IndexedFile } from '../../image/files.js';
import type { Check, CheckFinding } from '../check.js';

/** A world-writable file, or a world-writable directory without the sticky bit. */
export function isWorldWritableFlagged(file: IndexedFile): boolean {
  const writable = (file.mode & 0o002) !== 0;
  return file.type === 'dir' ? writable && (file.mode & 0o1000) === 0 : (file.type === 'file' || file.type === 'hardlink') && writable;
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
