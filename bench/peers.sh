#!/usr/bin/env bash
# Plimsoll as one more row of the peer benchmark (../shared/peers/bench.sh: trivy, snyk-docker-plugin,
# cdxgen and the physical limit of reading the image, side by side in one run). Install the peers
# first with ../shared/peers/install.sh. Builds dist/, then passes every argument on to bench.sh:
#   bench/peers.sh -n 5 -t phys,trivy-cdxgen,snyk-docker-plugin,plimsoll /var/cache/plimsoll-testbed/oci/debian-app
# PEERS_BENCH names another bench.sh. Plimsoll's rows are `plimsoll sbom` (CycloneDX) of the OCI layout,
# or of the directory (dir:) when the input is an unpacked root filesystem: `plimsoll-first`, every run
# a first scan (--no-cache), and `plimsoll-cached`, every timed run a second scan (bench.sh's untimed
# warm-up run fills a layer cache of this bench's own, removed at exit).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${PEERS_BENCH:-$root/../shared/peers/bench.sh}
if [ ! -x "$bench" ]; then
  echo "bench/peers.sh: no peer benchmark at $bench (set PEERS_BENCH)" >&2
  exit 2
fi
(cd "$root" && npm run build >/dev/null)
# An image input (OCI layout, OCI archive, docker-archive) is read as the OCI layout bench.sh derives;
# an unpacked root filesystem (a directory with no oci-layout file) has none, so it is read as dir:.
input=${!#}
ref='oci:{oci}'
if [ -d "$input" ] && [ ! -e "$input/oci-layout" ]; then ref='dir:{rootfs}'; fi
cache=$(mktemp -d "${TMPDIR:-/tmp}/plimsoll-peers-cache.XXXXXX")
trap 'rm -rf "$cache"' EXIT
sbom="node $root/dist/cli.js sbom $ref --quiet -o {out}"
"$bench" -x "plimsoll-first=$sbom --no-cache" -x "plimsoll-cached=$sbom --cache-dir $cache" "$@"
