// The binary classifiers: which files may be a runtime or library no package manager records, and
// the bytes in them that state its version (Syft's binary classifiers are the model). Each entry is
// checked against real Debian builds in test/ecosystems/binary/fingerprints.test.ts.
//   - `files` is matched against the base name, `dir` (when set) against the parent directory.
//   - Each `evidence` names a literal `anchor`, found with Buffer.indexOf over the whole body, and a
//     `pattern` tried on a small window at each hit (from `before` bytes ahead of it), whose first
//     group is the version. `$1` in an anchor stands for the file name's first group (python3.11
//     looks for "\0" + "3.11.").
//   - `cpe` lists the vendor:product pairs NVD files the component under, as the matcher reads them
//     (src/match/cpe/candidates.ts).
// Left out on purpose: libssl (it holds only ABI symbol versions such as OPENSSL_3.0.3; OpenSSL's
// release is read from libcrypto, which libssl always loads) and Oracle's mysqld (no real build in
// Debian to test against; MariaDB's mariadbd and mysqld are covered).

export interface Evidence {
  anchor: string;
  pattern: RegExp;
  /** Bytes before the anchor the window starts at, for patterns whose version precedes it. */
  before?: number;
}

export interface Classifier {
  /** The package name reported. */
  name: string;
  files: RegExp;
  dir?: RegExp;
  evidence: Evidence[];
  /** NVD vendor:product pairs, space-separated. */
  cpe: string;
  /**
   * `go-stdlib`: a Go toolchain, reported as the Go `stdlib` package so that OSV's Go advisories
   * match it, as for Go binaries; otherwise a `binary` package matched through NVD CPE.
   */
  identity?: 'go-stdlib';
}

const SEMVER = String.raw`\d+\.\d+\.\d+`;

export const CLASSIFIERS: readonly Classifier[] = [
  {
    name: 'node',
    // Debian's node is a small launcher; the runtime, and its version, live in libnode.so.
    files: /^(?:node|nodejs|libnode\.so(?:\.\d+)*)$/,
    evidence: [{ anchor: 'node.js/v', pattern: new RegExp(`^node\\.js/v(${SEMVER})`) }],
    cpe: 'nodejs:node.js',
  },
  {
    name: 'python',
    files: /^(?:python|libpython)(\d+\.\d+)[a-z]?(?:\.so(?:\.[\d.]+)?)?$/,
    // Py_GetVersion's PY_VERSION sits alone between NULs: "\x003.11.2\x00".
    evidence: [{ anchor: '\0$1.', pattern: /^\0(\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?)\+?\0/ }],
    cpe: 'python:python',
  },
  {
    name: 'openssl',
    files: /^(?:openssl|libcrypto\.so(?:\.[\d.]+)*)$/,
    // OPENSSL_VERSION_TEXT: "OpenSSL 3.0.22 25 Aug 2026", "OpenSSL 1.1.1n  15 Mar 2022"; the date
    // keeps messages such as "OpenSSL 1.1.1 or later" out.
    evidence: [{ anchor: 'OpenSSL ', pattern: /^OpenSSL (\d+\.\d+\.\d+[a-z]?(?:-(?:alpha|beta)\d+)?) +\d{1,2} [A-Z][a-z]{2} \d{4}/ }],
    cpe: 'openssl:openssl',
  },
  {
    name: 'busybox',
    files: /^busybox$/,
    evidence: [{ anchor: 'BusyBox v', pattern: new RegExp(`^BusyBox v(${SEMVER})`) }],
    cpe: 'busybox:busybox',
  },
  {
    name: 'curl',
    files: /^curl$/,
    // The --version line: "curl 7.88.1 (x86_64-pc-linux-gnu) %s".
    evidence: [{ anchor: 'curl ', pattern: new RegExp(`^curl (${SEMVER}) \\(`) }],
    cpe: 'haxx:curl',
  },
  {
    name: 'libcurl',
    files: /^libcurl(?:-gnutls|-nss)?\.so(?:\.[\d.]+)*$/,
    evidence: [{ anchor: 'libcurl/', pattern: new RegExp(`^libcurl/(${SEMVER})`) }],
    // NVD files libcurl's flaws under curl, older ones under libcurl.
    cpe: 'haxx:curl haxx:libcurl',
  },
  {
    name: 'nginx',
    files: /^nginx$/,
    evidence: [{ anchor: 'nginx/', pattern: new RegExp(`^nginx/(${SEMVER})`) }],
    // F5 since 2022, nginx before.
    cpe: 'f5:nginx nginx:nginx',
  },
  {
    name: 'httpd',
    files: /^(?:httpd|apache2)$/,
    evidence: [{ anchor: 'Apache/', pattern: new RegExp(`^Apache/(${SEMVER})`) }],
    cpe: 'apache:http_server',
  },
  {
    name: 'redis',
    files: /^redis-server$/,
    // The build id: the version, the builder's host name (none in Debian's builds; `buildkitsandbox`
    // or a 12-hex container id in Docker's), then the build time in whole seconds as nanoseconds.
    evidence: [{ anchor: '000000000\0', before: 48, pattern: /(?<![\d.])(\d+\.\d+\.\d+?)(?:buildkitsandbox-|[0-9a-f]{12}-)?\d{10}000000000\0/ }],
    cpe: 'redis:redis redislabs:redis',
  },
  {
    name: 'postgresql',
    files: /^postgres$/,
    // PG_VERSION_STR: "PostgreSQL 15.20 (Debian 15.20-0+deb12u1) on x86_64-pc-linux-gnu, compiled by ...".
    evidence: [{ anchor: '\0PostgreSQL ', pattern: /^\0PostgreSQL (\d+(?:\.\d+){0,2}(?:(?:alpha|beta|rc)\d+)?)[ \0]/ }],
    cpe: 'postgresql:postgresql',
  },
  {
    name: 'mariadb',
    files: /^(?:mariadbd|mysqld)$/,
    evidence: [{ anchor: '-MariaDB\0', before: 24, pattern: new RegExp(`\\0(${SEMVER})-MariaDB\\0`) }],
    cpe: 'mariadb:mariadb',
  },
  {
    name: 'memcached',
    files: /^memcached$/,
    evidence: [{ anchor: 'memcached ', pattern: new RegExp(`^memcached (${SEMVER})`) }],
    cpe: 'memcached:memcached',
  },
  {
    name: 'haproxy',
    files: /^haproxy$/,
    // "version 2.6.12-1+deb12u4, released 2026/10/17": a distribution's suffix follows the version.
    evidence: [{ anchor: ', released 20', before: 80, pattern: /version (\d+\.\d+(?:\.\d+|-dev\d+|-rc\d+))[^\s,]*, released 20\d\d/ }],
    cpe: 'haproxy:haproxy',
  },
  {
    name: 'php',
    files: /^(?:php|php-cgi|php-fpm)(?:\d+(?:\.\d+)?)?$|^libphp\d*(?:\.\d+)?\.so$/,
    evidence: [{ anchor: 'X-Powered-By: PHP/', pattern: new RegExp(`^X-Powered-By: PHP/(${SEMVER})`) }],
    cpe: 'php:php',
  },
  {
    name: 'ruby',
    // Debian's and Docker's ruby launchers are small; the interpreter is libruby.
    files: /^(?:ruby(?:\d+(?:\.\d+)?)?|libruby(?:-\d+\.\d+)?\.so(?:\.[\d.]+)*)$/,
    // RUBY_DESCRIPTION: "ruby 3.1.2p20 (2022-04-12 revision 4491bb740a) [x86_64-linux-gnu]"; NVD
    // does not write the patch level.
    evidence: [{ anchor: 'ruby ', pattern: /^ruby (\d+\.\d+\.\d+(?:preview\d+|rc\d+|dev)?)(?:p\d+)? \(/ }],
    cpe: 'ruby-lang:ruby',
  },
  {
    name: 'perl',
    files: /^perl(?:\d+(?:\.\d+)*)?$/,
    // The compiled-in library path: "/usr/local/lib/x86_64-linux-gnu/perl/5.36.0", "/usr/local/lib/perl5/5.38.0".
    evidence: [{ anchor: '/perl', pattern: /^\/perl5?\/(\d+\.\d+\.\d+)\0/ }],
    cpe: 'perl:perl',
  },
  {
    name: 'openjdk',
    // The JDK's or JRE's `release` file (JAVA_HOME/release).
    files: /^release$/,
    evidence: [{ anchor: 'JAVA_VERSION="', pattern: /^JAVA_VERSION="(\d+(?:\.\d+)*(?:_\d+)?)"/ }],
    // Oracle's own JDK and JRE share OpenJDK's code and its Critical Patch Update advisories.
    cpe: 'oracle:openjdk oracle:jdk oracle:jre',
  },
  {
    name: 'stdlib',
    // GOROOT/VERSION ("go1.19.8", newer ones add a "time ..." line).
    files: /^VERSION$/,
    dir: /(?:^|\/)go(?:-?\d[\d.]*)?$/,
    evidence: [{ anchor: 'go', pattern: /^go(\d+\.\d+(?:\.\d+)?(?:rc\d+|beta\d+)?)(?:\s|$)/ }],
    cpe: 'golang:go',
    identity: 'go-stdlib',
  },
  {
    name: 'bash',
    files: /^bash$/,
    // The `what` string: "@(#)Bash version 5.2.15(1) release GNU" (5.2, patch 15).
    evidence: [{ anchor: '@(#)Bash version ', pattern: new RegExp(`^@\\(#\\)Bash version (${SEMVER})\\(`) }],
    cpe: 'gnu:bash',
  },
];
