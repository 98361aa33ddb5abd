#!/usr/bin/env bash
# Plimsoll as one more row of the peer benchmark (../shared/peers/bench.sh: trivy, snyk-docker-plugin,
# cdxgen and the physical limit of reading the image, side by side in one run). Install the peers
# first with ../shared/peers/install.sh. Builds dist/, then passes every argument on to bench.sh:
#   bench/peers.sh -n 5 -t phys,trivy-cdxgen,snyk-docker-plugin,plimsoll /var/cache/plimsoll-testbed/oci/debian-app
# PEERS_BENCH names another bench.sh. Plimsoll's row is `plimsoll sbom` (CycloneDX) of the OCI layout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=${PEERS_BENCH:-$root/../shared/peers/bench.sh}
if [ ! -x "$bench" ]; then
  echo "bench/peers.sh: no peer benchmark at $bench (set PEERS_BENCH)" >&2
  exit 2
fi
(cd "$root" && npm run build >/dev/null)
exec "$bench" -x "plimsoll=node $root/dist/cli.js sbom oci:{oci} --quiet -o {out}" "$@"
