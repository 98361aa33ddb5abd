// Lock files and manifests of every format the analyzers parse whole, generated with a given number of
// packages: past the analyzers' size limit they must be refused with a warning, under it read within
// the memory bound (issue 12: a 60 MB package-lock.json took 690 MB).

const each = (count: number, line: (i: number) => string, separator = ''): string => Array.from({ length: count }, (_, i) => line(i)).join(separator);
const integrity = `sha512-${'A'.repeat(86)}==`;

/** Path in the image and body, by format, for `count` packages. */
export const MANIFESTS: Record<string, { path: string; body: (count: number) => string }> = {
  'package-lock.json': {
    path: 'app/package-lock.json',
    body: (n) =>
      `{"name":"app","lockfileVersion":3,"packages":{"":{"name":"app"},${each(n, (i) => `"node_modules/pkg-${i}":{"version":"1.0.${i}","resolved":"https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.0.${i}.tgz","integrity":"${integrity}"}`, ',')}}}`,
  },
  'yarn.lock': {
    path: 'app/yarn.lock',
    body: (n) =>
      `# yarn lockfile v1\n\n${each(n, (i) => `pkg-${i}@^1.0.0:\n  version "1.0.${i}"\n  resolved "https://registry.yarnpkg.com/pkg-${i}/-/pkg-${i}-1.0.${i}.tgz"\n  integrity ${integrity}\n\n`)}`,
  },
  'pnpm-lock.yaml': {
    path: 'app/pnpm-lock.yaml',
    body: (n) =>
      `lockfileVersion: '6.0'\n\npackages:\n\n${each(n, (i) => `  /pkg-${i}@1.0.${i}:\n    resolution: {integrity: ${integrity}}\n    dev: false\n\n`)}`,
  },
  'composer.lock': {
    path: 'app/composer.lock',
    body: (n) =>
      `{"packages":[${each(n, (i) => `{"name":"vendor/pkg-${i}","version":"1.0.${i}","dist":{"type":"zip","url":"https://example.invalid/pkg-${i}.zip"}}`, ',')}],"packages-dev":[]}`,
  },
  'Pipfile.lock': {
    path: 'app/Pipfile.lock',
    body: (n) => `{"_meta":{},"default":{${each(n, (i) => `"pkg-${i}":{"hashes":["sha256:${'0'.repeat(64)}"],"version":"==1.0.${i}"}`, ',')}},"develop":{}}`,
  },
  'poetry.lock': {
    path: 'app/poetry.lock',
    body: (n) => each(n, (i) => `[[package]]\nname = "pkg-${i}"\nversion = "1.0.${i}"\ndescription = "generated"\noptional = false\n\n`),
  },
  'Cargo.lock': {
    path: 'app/Cargo.lock',
    body: (n) =>
      `version = 3\n\n${each(n, (i) => `[[package]]\nname = "pkg-${i}"\nversion = "1.0.${i}"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n\n`)}`,
  },
  'Gemfile.lock': {
    path: 'app/Gemfile.lock',
    body: (n) => `GEM\n  remote: https://rubygems.org/\n  specs:\n${each(n, (i) => `    pkg-${i} (1.0.${i})\n`)}\nPLATFORMS\n  ruby\n`,
  },
  'packages.lock.json': {
    path: 'app/packages.lock.json',
    body: (n) =>
      `{"version":1,"dependencies":{"net8.0":{${each(n, (i) => `"Pkg${i}":{"type":"Direct","requested":"[1.0.${i}, )","resolved":"1.0.${i}","contentHash":"${'A'.repeat(88)}"}`, ',')}}}}`,
  },
  '.deps.json': {
    path: 'app/app.deps.json',
    body: (n) =>
      `{"runtimeTarget":{"name":".NETCoreApp,Version=v8.0"},"targets":{},"libraries":{${each(n, (i) => `"Pkg${i}/1.0.${i}":{"type":"package","serviceable":true,"sha512":"${integrity}","path":"pkg${i}/1.0.${i}"}`, ',')}}}`,
  },
};

function generator(format: string): (count: number) => string {
  const make = MANIFESTS[format]?.body;
  if (!make) throw new Error(`no generator for ${format}`);
  return make;
}

/** The body of `format` with just enough packages to pass `bytes`. */
export function manifestOver(format: string, bytes: number): string {
  const make = generator(format);
  const perPackage = make(100).length / 100;
  return make(Math.ceil(bytes / perPackage) + 100);
}

/** The body of `format` with as many packages as fit in `bytes` (found by bisection: package names grow longer). */
export function manifestWithin(format: string, bytes: number): string {
  const make = generator(format);
  let [low, high] = [0, bytes];
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (make(mid).length <= bytes) low = mid;
    else high = mid - 1;
  }
  return make(low);
}
