// The reference implementations, asked in batches: one process answers many
// pairs. Pairs travel hex-encoded (UTF-8), one per line, so that any byte
// but NUL reaches the reference intact. Each answer is -1, 0, 1, or
// 'invalid' when the reference rejects either version.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import semverPkg from 'semver';
import type { Ordering } from '../../src/versions/index.js';

export type Answer = Ordering | 'invalid';

export interface Oracle {
  /** What the answers come from, for messages. */
  name: string;
  /** Why the reference cannot be asked here, or null when it can. */
  unavailable(): string | null;
  ask(pairs: readonly (readonly [string, string])[]): Promise<Answer[]>;
}

const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex');
const encode = (pairs: readonly (readonly [string, string])[]): string => pairs.map(([a, b]) => `${hex(a)} ${hex(b)}\n`).join('');

function has(command: string, ...args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

type Pairs = readonly (readonly [string, string])[];

function run(command: string, args: string[], input: string, count: number): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${command} failed (${code}): ${Buffer.concat(err).toString().slice(0, 500)}`));
      const lines = Buffer.concat(out)
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '');
      if (lines.length !== count) return reject(new Error(`${command} answered ${lines.length} of ${count} pairs`));
      resolve(lines.map((l) => (l === 'E' ? 'invalid' : (Number(l) as Ordering))));
    });
    child.stdin.end(input);
  });
}

/** Splits the pairs into batches of at most `size`, `parallel` processes at a time. */
function batched(ask: (pairs: Pairs) => Promise<Answer[]>, size = 100_000, parallel = 1) {
  return async (pairs: Pairs): Promise<Answer[]> => {
    const batches: Pairs[] = [];
    for (let i = 0; i < pairs.length; i += size) batches.push(pairs.slice(i, i + size));
    const results: Answer[][] = new Array<Answer[]>(batches.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const i = next++;
        results[i] = await ask(batches[i] ?? []);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, batches.length) }, worker));
    return results.flat();
  };
}

// dpkg --compare-versions takes one pair per run; a Perl loop spares a shell per
// pair, and several loops run at once. Exit status 2 is dpkg refusing a version;
// its warnings are silenced; '--' keeps a version such as "-1" from reading as an option.
const DPKG_DRIVER = `
open(STDERR, '>', '/dev/null');
$| = 0;
while (my $line = <STDIN>) {
  chomp $line;
  my ($a, $b) = map { pack('H*', $_) } split(/ /, $line, -1);
  my $lt = system('dpkg', '--compare-versions', '--', $a, 'lt', $b) >> 8;
  if ($lt == 2) { print "E\\n"; next; }
  if ($lt == 0) { print "-1\\n"; next; }
  my $eq = system('dpkg', '--compare-versions', '--', $a, 'eq', $b) >> 8;
  print $eq == 0 ? "0\\n" : "1\\n";
}`;

export const dpkgOracle: Oracle = {
  name: 'dpkg --compare-versions',
  unavailable: () => (has('dpkg', '--version') && has('perl', '-e', '1') ? null : 'dpkg or perl is not installed'),
  ask: batched((pairs) => run('perl', ['-e', DPKG_DRIVER], encode(pairs), pairs.length), 1000, Math.max(2, availableParallelism())),
};

// The same parser and order through libdpkg (dpkg's own library, package
// libdpkg-dev), in one process: thousands of times faster than a dpkg run per
// pair, for the development fuzz run. Warnings are accepted as dpkg
// --compare-versions accepts them.
const DPKG_LIBRARY_DRIVER = `
#define LIBDPKG_VOLATILE_API 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dpkg/dpkg.h>
#include <dpkg/dpkg-db.h>

static char *unhex(const char *h, size_t len) {
  char *out = malloc(len / 2 + 1);
  for (size_t i = 0; i < len / 2; i++) { unsigned v; sscanf(h + 2 * i, "%2x", &v); out[i] = (char)v; }
  out[len / 2] = 0;
  return out;
}

static int parse(struct dpkg_version *v, const char *s) {
  struct dpkg_error err;
  if (parseversion(v, s, &err) < 0) {
    int warning = err.type == DPKG_MSG_WARN;
    dpkg_error_destroy(&err);
    return warning;
  }
  return 1;
}

int main(void) {
  dpkg_set_progname("plimsoll-dpkg-oracle");
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    if (line[n - 1] == '\\n') line[--n] = 0;
    char *sp = strchr(line, ' ');
    char *a = unhex(line, sp - line), *b = unhex(sp + 1, strlen(sp + 1));
    struct dpkg_version va, vb;
    if (!parse(&va, a) || !parse(&vb, b)) puts("E");
    else { int r = dpkg_version_compare(&va, &vb); printf("%d\\n", r < 0 ? -1 : r > 0); }
    free(a);
    free(b);
  }
  return 0;
}`;

function dpkgLibraryBinary(): string {
  const binary = join(scratch(), `dpkg-oracle-${shortHash(DPKG_LIBRARY_DRIVER)}`);
  if (!existsSync(binary)) {
    const source = `${binary}.c`;
    writeFileSync(source, DPKG_LIBRARY_DRIVER);
    const flags = spawnSync('pkg-config', ['--cflags', '--libs', '--static', 'libdpkg'], { encoding: 'utf8' }).stdout.trim().split(/\s+/);
    const res = spawnSync('gcc', ['-O2', '-o', binary, source, ...flags], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`gcc failed: ${res.stderr}`);
  }
  return binary;
}

export const dpkgLibraryOracle: Oracle = {
  name: 'libdpkg parseversion + dpkg_version_compare',
  unavailable: () => (has('gcc', '--version') && has('pkg-config', '--exists', 'libdpkg') ? null : 'gcc or libdpkg-dev is not installed'),
  ask: batched((pairs) => run(dpkgLibraryBinary(), [], encode(pairs), pairs.length)),
};

// rpm's Lua rpm.vercmp (rpmverParse + rpmverCmp); it returns nothing for an empty version.
const RPM_DRIVER = `
local function unhex(h) return (h:gsub('..', function(x) return string.char(tonumber(x, 16)) end)) end
local out = {}
for line in io.lines(PAIRS) do
  local sp = line:find(' ', 1, true)
  local ok, r = pcall(rpm.vercmp, unhex(line:sub(1, sp - 1)), unhex(line:sub(sp + 1)))
  out[#out + 1] = (ok and r ~= nil) and tostring(r) or 'E'
end
print(table.concat(out, '\\n'))`;

export const rpmOracle: Oracle = {
  name: 'rpm.vercmp',
  unavailable: () => (has('rpm', '--version') ? null : 'rpm is not installed (apt-get install rpm)'),
  ask: batched((pairs) => {
    const dir = scratch();
    const pairsFile = join(dir, `rpm-pairs-${process.pid}.txt`);
    const script = join(dir, `rpm-driver-${process.pid}.lua`);
    // Batches run one after another, so the two files are free again here.
    writeFileSync(pairsFile, encode(pairs));
    writeFileSync(script, `PAIRS = ${JSON.stringify(pairsFile)}\n${RPM_DRIVER}`);
    return run('rpm', ['--eval', `%{lua: dofile(${JSON.stringify(script)})}`], '', pairs.length);
  }),
};

const PYTHON = '/usr/bin/python3';
const PEP440_DRIVER = `
import sys
from packaging.version import Version, InvalidVersion
out = []
for line in sys.stdin:
    a, b = (bytes.fromhex(h).decode('utf-8') for h in line.rstrip('\\n').split(' '))
    try:
        va, vb = Version(a), Version(b)
    except InvalidVersion:
        out.append('E')
        continue
    out.append(str((va > vb) - (va < vb)))
sys.stdout.write('\\n'.join(out) + '\\n')`;

export const pep440Oracle: Oracle = {
  name: 'Python packaging.version.Version',
  unavailable: () => (has(PYTHON, '-c', 'import packaging.version') ? null : `${PYTHON} has no packaging module (apt-get install python3-packaging)`),
  ask: batched((pairs) => run(PYTHON, ['-c', PEP440_DRIVER], encode(pairs), pairs.length)),
};

const RUBY_DRIVER = `
out = []
STDIN.each_line do |line|
  a, b = line.chomp.split(/ /, -1).map { |h| [h].pack('H*').force_encoding('UTF-8') }
  if Gem::Version.correct?(a) && Gem::Version.correct?(b)
    out << (Gem::Version.new(a) <=> Gem::Version.new(b)).to_s
  else
    out << 'E'
  end
end
STDOUT.write(out.join("\\n") + "\\n")`;

export const rubygemsOracle: Oracle = {
  name: 'Ruby Gem::Version',
  unavailable: () => (has('ruby', '-e', '1') ? null : 'ruby is not installed (apt-get install ruby)'),
  ask: batched((pairs) => run('ruby', ['-e', RUBY_DRIVER], encode(pairs), pairs.length)),
};

const MAVEN_JAR = '/usr/share/maven/lib/maven-artifact-3.x.jar';
const MAVEN_DRIVER = `
import org.apache.maven.artifact.versioning.ComparableVersion;
import java.io.*;
import java.nio.charset.StandardCharsets;

public class MavenOracle {
  public static void main(String[] args) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
    String line;
    while ((line = in.readLine()) != null) {
      int sp = line.indexOf(' ');
      String a = decode(line.substring(0, sp));
      String b = decode(line.substring(sp + 1));
      try {
        out.println(Integer.signum(new ComparableVersion(a).compareTo(new ComparableVersion(b))));
      } catch (RuntimeException e) {
        out.println("E");
      }
    }
    out.flush();
  }

  static String decode(String hex) {
    byte[] bytes = new byte[hex.length() / 2];
    for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}`;

/** Names a compiled driver after its source, so that an edited driver is rebuilt. */
function shortHash(source: string): string {
  return createHash('sha256').update(source).digest('hex').slice(0, 12);
}

function scratch(): string {
  const dir = join(tmpdir(), 'plimsoll-version-oracles');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function mavenClasses(): string {
  const dir = join(scratch(), `maven-${shortHash(MAVEN_DRIVER)}`);
  if (!existsSync(join(dir, 'MavenOracle.class'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'MavenOracle.java'), MAVEN_DRIVER);
    const res = spawnSync('javac', ['-cp', MAVEN_JAR, '-d', dir, join(dir, 'MavenOracle.java')], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`javac failed: ${res.stderr}`);
  }
  return dir;
}

export const mavenOracle: Oracle = {
  name: 'Maven ComparableVersion',
  unavailable: () => {
    if (!existsSync(MAVEN_JAR)) return `${MAVEN_JAR} is missing (apt-get install maven)`;
    return has('javac', '-version') ? null : 'javac is missing (apt-get install default-jdk-headless)';
  },
  ask: batched((pairs) => run('java', ['-cp', `${mavenClasses()}:${MAVEN_JAR}`, 'MavenOracle'], encode(pairs), pairs.length)),
};

/** npm's own semver package, in process. */
export const npmOracle: Oracle = {
  name: 'npm semver',
  unavailable: () => null,
  ask: async (pairs) =>
    pairs.map(([a, b]) => {
      if (semverPkg.valid(a) === null || semverPkg.valid(b) === null) return 'invalid';
      return semverPkg.compare(a, b);
    }),
};
