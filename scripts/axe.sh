#!/usr/bin/env bash
# Install axe-core (the accessibility rules engine the browser tests inject into each page) from the npm
# registry into .cache/node, and print the path of axe.min.js. Fast when it is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_VERSION="4.11"
prefix=".cache/node"
script="$prefix/node_modules/axe-core/axe.min.js"

if [ ! -f "$script" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "Installing npm (apt) …" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq nodejs npm >&2
  fi
  echo "Installing axe-core $AXE_VERSION from the npm registry …" >&2
  mkdir -p "$prefix"
  npm install --silent --no-audit --no-fund --prefix "$prefix" "axe-core@~$AXE_VERSION" >&2
fi
realpath "$script"
