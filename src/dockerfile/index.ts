export { lintDockerfile, lintDockerfileFile, selectRules, type DockerfileLintOptions } from './lint.js';
export { DOCKERFILE_RULES } from './rules/index.js';
export type { DockerfileRule, RuleHit } from './rule.js';
