import type { ShellCommand } from './shell.js';

/** Whether `args` hold an option: a long form (`--yes`, `--opt=value`) or a letter in a short cluster (`-qy`). */
export function hasOption(args: string[], short: string | null, ...long: string[]): boolean {
  return args.some((a) => long.some((l) => a === l || a.startsWith(`${l}=`)) || (short !== null && /^-[A-Za-z0-9]+$/.test(a) && a.slice(1).includes(short)));
}

/** Positional arguments: everything that is not an option nor the value of an option listed in `valued`. */
export function operands(args: string[], valued: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') return out.concat(args.slice(i + 1));
    if (a.startsWith('-') && a.length > 1) {
      if (valued.has(a)) i++;
    } else out.push(a);
  }
  return out;
}

/** A package-manager call split into its subcommand and that subcommand's operands. */
export interface ManagerCall {
  sub: string;
  operands: string[];
  args: string[];
}

function call(args: string[], valued: ReadonlySet<string>): ManagerCall | null {
  const [sub, ...rest] = operands(args, valued);
  return sub === undefined ? null : { sub, operands: rest, args };
}

const APT_VALUED = new Set(['-o', '--option', '-c', '--config-file', '-t', '--target-release', '--default-release']);

/** `apt-get` and `apt` calls; `aptitude` is left out on purpose (its flags differ). */
export function aptCall(command: ShellCommand): ManagerCall | null {
  return command.name === 'apt-get' || command.name === 'apt' ? call(command.args, APT_VALUED) : null;
}

/** A real `apt-get install` (not a `-s` simulation, which changes nothing). */
export function isAptInstall(call: ManagerCall | null): call is ManagerCall {
  return call?.sub === 'install' && !hasOption(call.args, 's', '--simulate', '--dry-run', '--just-print', '--no-act', '--recon');
}

const APK_VALUED = new Set(['-t', '--virtual', '-X', '--repository', '-p', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file']);

export function apkCall(command: ShellCommand): ManagerCall | null {
  return command.name === 'apk' ? call(command.args, APK_VALUED) : null;
}

const PIP_VALUED = new Set([
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-e',
  '--editable',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-t',
  '--target',
  '--prefix',
  '--root',
  '--trusted-host',
  '--platform',
  '--python-version',
  '--implementation',
  '--abi',
  '--src',
  '--upgrade-strategy',
  '--progress-bar',
  '--cache-dir',
  '--log',
  '--timeout',
  '--retries',
  '--proxy',
  '--cert',
  '--client-cert',
  '--only-binary',
  '--no-binary',
  '-C',
  '--config-settings',
  '--global-option',
  '--report',
  '--root-user-action',
  '--exists-action',
  '--python',
]);

/** `pip`, `pip3`, `pip3.12` and `python3 -m pip` calls. */
export function pipCall(command: ShellCommand): ManagerCall | null {
  if (/^pip[0-9.]*$/.test(command.name)) return call(command.args, PIP_VALUED);
  if (/^python[0-9.]*$/.test(command.name) && command.args[0] === '-m' && /^pip[0-9.]*$/.test(command.args[1] ?? '')) {
    return call(command.args.slice(2), PIP_VALUED);
  }
  return null;
}

const NPM_VALUED = new Set(['--prefix', '--registry', '--cache', '--tag', '-w', '--workspace', '--omit', '--include', '--loglevel', '--userconfig']);

export function npmCall(command: ShellCommand): ManagerCall | null {
  return command.name === 'npm' ? call(command.args, NPM_VALUED) : null;
}

const GEM_VALUED = new Set(['-v', '--version', '-i', '--install-dir', '-n', '--bindir', '-s', '--source', '-P', '--trust-policy', '--platform']);

export function gemCall(command: ShellCommand): ManagerCall | null {
  return command.name === 'gem' ? call(command.args, GEM_VALUED) : null;
}

const RPM_VALUED = new Set(['--setopt', '--enablerepo', '--disablerepo', '--installroot', '--releasever', '-c', '--config', '-x', '--exclude', '--repo']);

/** `yum`, `dnf`, `microdnf` and `tdnf` share the calls the rules read. */
export function rpmManagerCall(command: ShellCommand): ManagerCall | null {
  return ['yum', 'dnf', 'microdnf', 'tdnf'].includes(command.name) ? call(command.args, RPM_VALUED) : null;
}

const ZYPPER_VALUED = new Set(['-r', '--repo', '--root', '-R']);

export function zypperCall(command: ShellCommand): ManagerCall | null {
  return command.name === 'zypper' ? call(command.args, ZYPPER_VALUED) : null;
}

/** Whether a word is only a variable (`$PKGS`, `${deps}`): its value is unknown here. */
export function isVariable(word: string): boolean {
  return /^\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)$/.test(word) || word.startsWith('$(');
}
