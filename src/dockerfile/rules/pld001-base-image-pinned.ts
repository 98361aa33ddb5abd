import { parseImageRef, stageImage } from '../image-ref.js';
import type { DockerfileRule, RuleHit } from '../rule.js';

/** Tags that by convention follow whatever is newest: `latest`, `lts`, `stable-slim`, `edge`... */
const FLOATING = /^(latest|lts|stable|current|edge|rolling|nightly)([-_.].*)?$/i;

export const baseImagePinned: DockerfileRule = {
  id: 'PLD001',
  title: 'Base image not pinned to a release tag or digest',
  severity: 'MEDIUM',
  rationale:
    'A FROM without a tag silently means `latest`, and `latest` (like `lts`, `stable` or `edge`) moves: the same Dockerfile builds a different image from one day to the next, ' +
    'a rebuild can pull in a new major version or a different distribution release, and nobody can say afterwards which base a running image came from. ' +
    'A release tag makes builds repeatable; a digest makes them exact.',
  fix: 'Name a release tag (`FROM debian:12.8-slim`) or, better, pin the digest (`FROM debian:12.8-slim@sha256:…`) and update it on purpose.',
  check({ dockerfile, stages }) {
    const hits: RuleHit[] = [];
    for (const stage of stages) {
      const image = stageImage(dockerfile, stage);
      // A reference still holding a variable is decided at build time; scratch has no versions.
      if (image === null || image.includes('$') || image.toLowerCase() === 'scratch') continue;
      const ref = parseImageRef(image);
      if (ref.digest !== null) continue;
      if (ref.tag === null) hits.push({ line: stage.from.line, detail: `${image} has no tag (means latest)` });
      else if (FLOATING.test(ref.tag)) hits.push({ line: stage.from.line, detail: `${image} is a moving tag` });
    }
    return hits;
  },
};
