// The manifest and lock-file analyzers. Files an OS package owns are not reported again: the applier
// drops their packages (Python and Ruby metadata put their identity on the owning package instead).
import type { Analyzer } from '../analyzer.js';
import { cargoLockAnalyzer } from './cargo.js';
import { composerAnalyzer } from './composer.js';
import { dotnetAnalyzer } from './dotnet.js';
import { npmAnalyzer } from './npm.js';
import { pythonAnalyzer } from './python.js';
import { rubyAnalyzer } from './ruby.js';

export const MANIFEST_ANALYZERS: readonly Analyzer[] = [npmAnalyzer, pythonAnalyzer, rubyAnalyzer, cargoLockAnalyzer, composerAnalyzer, dotnetAnalyzer];
