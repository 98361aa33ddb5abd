// The version comparators, keyed by scheme (see DESIGN.md, library API).
import { apk } from './apk.js';
import { cargo } from './cargo.js';
import { composer } from './composer.js';
import { dpkg } from './dpkg.js';
import { golang } from './golang.js';
import { maven } from './maven.js';
import { npm } from './npm.js';
import { nuget } from './nuget.js';
import { pep440 } from './pep440.js';
import { rpm } from './rpm.js';
import { rubygems } from './rubygems.js';
import { semver } from './semver.js';

export const versions = { dpkg, rpm, apk, semver, npm, golang, cargo, pep440, maven, rubygems, nuget, composer } as const;

export type SchemeName = keyof typeof versions;

export { apkMatches } from './apk.js';
export { VersionError, type Ordering, type RangeScheme, type VersionScheme } from './scheme.js';
