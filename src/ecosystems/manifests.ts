// The manifest and lock-file analyzers. They run after the OS analyzers: files an OS package owns are
// not reported again (Python and Ruby metadata put their identity on the owning package instead).
import type { Analyzer } from '../inventory/analyzer.js';
import { cargoLockAnalyzer } from './cargo/cargo-lock.js';
import { composerAnalyzer } from './composer/composer.js';
import { dotnetAnalyzer } from './nuget/dotnet.js';
import { npmAnalyzer } from './npm/npm.js';
import { pythonAnalyzer } from './pypi/python.js';
import { rubyAnalyzer } from './gem/ruby.js';

export const MANIFEST_ANALYZERS: readonly Analyzer[] = [npmAnalyzer, pythonAnalyzer, rubyAnalyzer, cargoLockAnalyzer, composerAnalyzer, dotnetAnalyzer];
