#!/usr/bin/env bash
# Downloads each Debian package a list names into DIR, once: a package already there (any version)
# is not fetched again, so CI pays for the download on the first run only.
#   scripts/fetch-debs.sh LIST DIR
set -euo pipefail
list=$(realpath "$1")
dir=$2
mkdir -p "$dir"
cd "$dir"
missing=()
while read -r pkg; do
  case "$pkg" in '' | '#'*) continue ;; esac
  compgen -G "${pkg}_*.deb" >/dev/null || missing+=("$pkg")
done <"$list"
[ "${#missing[@]}" -eq 0 ] && exit 0
# apt drops privileges to _apt for downloads, which must be able to write here.
chown _apt "$dir" 2>/dev/null || true
apt-get update -qq
apt-get download -qq "${missing[@]}"
