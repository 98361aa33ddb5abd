// Whether an external tool the binary-format tests build fixtures with is installed.
import { execFileSync } from 'node:child_process';

export function hasTool(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
