import type { DockerfileRule } from '../rule.js';
import { baseImagePinned } from './pld001-base-image-pinned.js';
import { rootUserLast } from './pld002-root-user-last.js';
import { noUser } from './pld003-no-user.js';
import { aptGetYes } from './pld004-apt-get-yes.js';
import { aptNoInstallRecommends } from './pld005-apt-no-install-recommends.js';
import { aptListsRemoved } from './pld006-apt-lists-removed.js';
import { aptUpdateAlone } from './pld007-apt-update-alone.js';
import { apkNoCache } from './pld008-apk-no-cache.js';
import { aptVersionsPinned } from './pld009-apt-versions-pinned.js';
import { apkVersionsPinned } from './pld010-apk-versions-pinned.js';
import { pipVersionsPinned } from './pld011-pip-versions-pinned.js';
import { npmVersionsPinned } from './pld012-npm-versions-pinned.js';
import { gemVersionsPinned } from './pld013-gem-versions-pinned.js';
import { copyNotAdd } from './pld014-copy-not-add.js';
import { noSudo } from './pld015-no-sudo.js';
import { healthcheck } from './pld016-healthcheck.js';
import { buildToolsInFinalStage } from './pld017-build-tools-in-final-stage.js';
import { cdInsteadOfWorkdir } from './pld018-cd-instead-of-workdir.js';
import { workdirAbsolute } from './pld019-workdir-absolute.js';
import { secretsInEnvArg } from './pld020-secrets-in-env-arg.js';
import { cmdExecForm } from './pld021-cmd-exec-form.js';
import { entrypointExecForm } from './pld022-entrypoint-exec-form.js';
import { singleCmd } from './pld023-single-cmd.js';
import { singleEntrypoint } from './pld024-single-entrypoint.js';
import { curlPipeShell } from './pld025-curl-pipe-shell.js';
import { pipefail } from './pld026-pipefail.js';
import { exposeValid } from './pld027-expose-valid.js';
import { sensitivePort } from './pld028-sensitive-port.js';
import { maintainerDeprecated } from './pld029-maintainer-deprecated.js';
import { copyFromStage } from './pld030-copy-from-stage.js';
import { uniqueStageNames } from './pld031-unique-stage-names.js';
import { pipNoCacheDir } from './pld032-pip-no-cache-dir.js';
import { npmCacheClean } from './pld033-npm-cache-clean.js';
import { npmCi } from './pld034-npm-ci.js';
import { aptUpgrade } from './pld035-apt-upgrade.js';
import { rpmCacheClean } from './pld036-rpm-cache-clean.js';
import { rpmZypperNonInteractive } from './pld037-rpm-zypper-noninteractive.js';
import { zypperClean } from './pld038-zypper-clean.js';
import { worldWritableChmod } from './pld039-world-writable-chmod.js';
import { addUrlChecksum } from './pld040-add-url-checksum.js';
import { useraddHighUid } from './pld041-useradd-high-uid.js';
import { unknownInstruction } from './pld042-unknown-instruction.js';
import { fromFirst } from './pld043-from-first.js';
import { aptInScripts } from './pld044-apt-in-scripts.js';
import { copyDestinationDirectory } from './pld045-copy-destination-directory.js';
import { tlsVerificationDisabled } from './pld046-tls-verification-disabled.js';
import { credentialFileCopied } from './pld047-credential-file-copied.js';

/** Every Dockerfile rule, in id order (docs and `--help` list them from here). */
export const DOCKERFILE_RULES: readonly DockerfileRule[] = [
  baseImagePinned,
  rootUserLast,
  noUser,
  aptGetYes,
  aptNoInstallRecommends,
  aptListsRemoved,
  aptUpdateAlone,
  apkNoCache,
  aptVersionsPinned,
  apkVersionsPinned,
  pipVersionsPinned,
  npmVersionsPinned,
  gemVersionsPinned,
  copyNotAdd,
  noSudo,
  healthcheck,
  buildToolsInFinalStage,
  cdInsteadOfWorkdir,
  workdirAbsolute,
  secretsInEnvArg,
  cmdExecForm,
  entrypointExecForm,
  singleCmd,
  singleEntrypoint,
  curlPipeShell,
  pipefail,
  exposeValid,
  sensitivePort,
  maintainerDeprecated,
  copyFromStage,
  uniqueStageNames,
  pipNoCacheDir,
  npmCacheClean,
  npmCi,
  aptUpgrade,
  rpmCacheClean,
  rpmZypperNonInteractive,
  zypperClean,
  worldWritableChmod,
  addUrlChecksum,
  useraddHighUid,
  unknownInstruction,
  fromFirst,
  aptInScripts,
  copyDestinationDirectory,
  tlsVerificationDisabled,
  credentialFileCopied,
];
