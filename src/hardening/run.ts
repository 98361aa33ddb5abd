// The hardening pass: every check over one image's config, history and layers, plus the base-image
// identification, attack-surface figures and recommendation the report shows next to the findings.
import type { ImageContents } from '../image/scan.js';
import type { ResolvedImage } from '../image/types.js';
import type { Finding, Severity } from '../model/finding.js';
import type { Package } from '../model/package.js';
import { measureAttackSurface, type AttackSurface } from './attack-surface.js';
import { identifyBase, type BaseIdentity } from './base-image.js';
import type { Check, CheckFinding, CheckGroup, HardeningContext } from './check.js';
import { configSecretsCheck } from './checks/config-secrets.js';
import { dockerfileRulesCheck } from './checks/dockerfile-rules.js';
import { endOfLifeCheck } from './checks/end-of-life.js';
import { healthcheckCheck } from './checks/healthcheck.js';
import { latestTagCheck } from './checks/latest-tag.js';
import { packageCachesCheck } from './checks/package-caches.js';
import { rootUserCheck } from './checks/root-user.js';
import { secretFilesCheck, type LayerSecrets } from './checks/secret-files.js';
import { setuidCheck } from './checks/setuid.js';
import { worldWritableCheck } from './checks/world-writable.js';
import { findEntryBinary, type EntryBinary } from './entry-binary.js';
import { walkFiles } from './file-walk.js';
import { readHistory } from './history.js';
import { configOrigin, layerOrigin, splitOrigins, stepOrigin, type LayerOrigins } from './origin.js';
import { maskSecret } from './mask.js';
import { recommend } from './recommendation.js';
import type { LayerRef } from '../model/layer.js';
import type { OsInfo } from '../model/os.js';
import { bodyFacts, type ImageFacts } from '../inventory/facts.js';
import { compareStrings } from '../versions/scheme.js';

/** The requests to add to the single read of the layers, and the facts hardening reads (pass the image config to read its entry binary too). */
export { hardeningFacts, hardeningRequests, secretsRequest } from './requests.js';

export const ALL_CHECKS: readonly Check[] = [
  rootUserCheck,
  configSecretsCheck,
  healthcheckCheck,
  dockerfileRulesCheck,
  latestTagCheck,
  packageCachesCheck,
  endOfLifeCheck,
  setuidCheck,
  worldWritableCheck,
  secretFilesCheck,
];

/** `artifact.baseImage` in the report. */
export interface BaseImageInfo extends BaseIdentity {
  /** `org.opencontainers.image.base.name` / `.base.digest`, when the build labelled them. */
  reference?: string;
  digest?: string;
  /** How many layers (bottom-up) came with the base and how many the user's build added. */
  layers: { base: number; own: number; method: LayerOrigins['method']; inferred: boolean };
}

export interface HardeningInput {
  image: ResolvedImage;
  contents: ImageContents;
  os?: OsInfo;
  packages: Package[];
  /** Check groups to run (`--scanners config,secret`); all by default. */
  groups?: readonly CheckGroup[];
  /** Each layer's secrets, from the inventory (see `InventoryResult.secrets`); scanned from `contents` when absent. */
  layerSecrets?: readonly LayerSecrets[];
  /** The facts of {@link hardeningFacts}, from the inventory (see `InventoryResult.facts`); read from `contents`' bodies when absent. */
  facts?: ImageFacts;
}

export interface HardeningResult {
  findings: Finding[];
  baseImage: BaseImageInfo;
  attackSurface: AttackSurface;
  recommendation: string;
  /** The program the image runs, when found: path, static or not, language. */
  entryBinary?: EntryBinary;
  /** Masks the secrets found in the config and history: apply it to history lines the report prints (artifact.layers, artifact.history). */
  redact: Redactor;
}

const SEVERITY_ORDER: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

/** Replaces every secret found in the config or history by its masked form (history lines are shown in reports). */
export type Redactor = (text: string) => string;

function redactor(secrets: readonly string[]): Redactor {
  const sorted = [...new Set(secrets)].filter((x) => x.length > 0).sort((a, b) => b.length - a.length);
  return (text) => sorted.reduce((t, secret) => t.split(secret).join(maskSecret(secret)), text);
}

/** Fills `origin` and `createdBy` from the finding's layer or history step, with history secrets masked there and in the evidence. */
function complete(finding: CheckFinding, ctx: HardeningContext, redact: Redactor): Finding {
  const { historyIndex, redact: _secrets, ...rest } = finding;
  const step = historyIndex !== undefined ? ctx.history[historyIndex] : undefined;
  const origin =
    rest.origin ??
    (rest.layer ? layerOrigin(ctx.origins, rest.layer.index) : step ? stepOrigin(ctx.origins, step.index) : configOrigin(ctx.origins, ctx.history));
  const createdBy = rest.createdBy ?? rest.layer?.createdBy ?? (step?.createdBy || undefined);
  const clean = (layer: LayerRef | undefined): LayerRef | undefined => (layer?.createdBy ? { ...layer, createdBy: redact(layer.createdBy) } : layer);
  const layer = clean(rest.layer);
  const deletedIn = clean(rest.deletedIn);
  return {
    ...rest,
    ...(rest.evidence !== undefined ? { evidence: redact(rest.evidence) } : {}),
    ...(layer ? { layer } : {}),
    ...(deletedIn ? { deletedIn } : {}),
    origin,
    ...(createdBy ? { createdBy: redact(createdBy) } : {}),
  };
}

export function runHardening(input: HardeningInput): HardeningResult {
  const { image, contents, os, packages } = input;
  const layerRefs = contents.perLayer.map((l) => l.ref);
  const history = readHistory(image, image.rootfs !== undefined ? [] : layerRefs);
  const facts = input.facts ?? bodyFacts(contents.fs);
  const identity = identifyBase(contents.fs, facts, os, packages, image.config);
  const origins = splitOrigins(image.config, history, image.layers.length, identity.kind === 'scratch', image.annotations);
  const ctx: HardeningContext = {
    image,
    contents,
    ...(os ? { os } : {}),
    packages,
    history,
    origins,
    files: walkFiles(contents.fs),
    facts,
    ...(input.layerSecrets ? { layerSecrets: input.layerSecrets } : {}),
  };
  const groups = new Set(input.groups ?? ['config', 'secret']);
  // Secrets in the config and history are masked in every history line shown, whichever checks run.
  const configSecrets = configSecretsCheck.run(ctx);
  const redact = redactor(configSecrets.flatMap((f) => f.redact ?? []));
  const raw = ALL_CHECKS.filter((c) => groups.has(c.group)).flatMap((check) => (check === configSecretsCheck ? configSecrets : check.run(ctx)));
  const findings = raw
    .map((f) => complete(f, ctx, redact))
    .sort(
      (a, b) =>
        SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || compareStrings(a.id, b.id) || compareStrings(a.path ?? '', b.path ?? ''),
    );
  const attackSurface = measureAttackSurface(contents, ctx.files.privileged, packages, os);
  const entryBinary = findEntryBinary(contents.fs, facts, image.config, packages);
  const baseImage: BaseImageInfo = {
    ...identity,
    ...(origins.baseName ? { reference: origins.baseName } : {}),
    ...(origins.baseDigest ? { digest: origins.baseDigest } : {}),
    layers: { base: origins.baseLayers, own: image.layers.length - origins.baseLayers, method: origins.method, inferred: origins.inferred },
  };
  return {
    findings,
    baseImage,
    attackSurface,
    recommendation: recommend(identity, attackSurface, entryBinary, image.config, os),
    ...(entryBinary ? { entryBinary } : {}),
    redact,
  };
}
