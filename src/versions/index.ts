// The version comparators, keyed by scheme (see DESIGN.md, library API).
import { apk } from '../ecosystems/apk/version.js';
import { cargo } from '../ecosystems/cargo/version.js';
import { composer } from '../ecosystems/composer/version.js';
import { dpkg } from '../ecosystems/deb/version.js';
import { golang } from '../ecosystems/golang/version.js';
import { maven } from '../ecosystems/maven/version.js';
import { npm } from '../ecosystems/npm/version.js';
import { nuget } from '../ecosystems/nuget/version.js';
import { pep440 } from '../ecosystems/pypi/version.js';
import { rpm } from '../ecosystems/rpm/version.js';
import { rubygems } from '../ecosystems/gem/version.js';
import { semver } from './semver.js';

export const versions = { dpkg, rpm, apk, semver, npm, golang, cargo, pep440, maven, rubygems, nuget, composer } as const;

export type SchemeName = keyof typeof versions;

export { apkMatches } from '../ecosystems/apk/version.js';
export { VersionError, type Ordering, type RangeScheme, type VersionScheme } from './scheme.js';
