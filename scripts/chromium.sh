#!/usr/bin/env bash
# Debian's Chromium for the browser tests: installs it with apt when missing and prints its path.
#
# Usage: export CHROMIUM_PATH="$(scripts/chromium.sh)"
#
# The browser comes from Debian's packages, never from a test tool's own download, so a fresh machine needs
# nothing beyond the package mirrors. Progress messages go to stderr; stdout carries only the path.
set -Eeuo pipefail

# A font with Polish letters, so screenshots show text as users see it.
PACKAGES=(chromium fonts-dejavu-core)

log() { echo "chromium.sh: $*" >&2; }
die() { echo "chromium.sh: error: $*" >&2; exit 1; }

find_chromium() {
    local candidate
    for candidate in "$(command -v chromium || true)" /usr/bin/chromium; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

install_packages() {
    local p status missing=() run=()
    for p in "${PACKAGES[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || missing+=("$p")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "installing ${missing[*]} needs root (or sudo)"
        run=(sudo)
    fi
    log "installing: ${missing[*]}"
    "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || die "apt-get update failed"
    "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
        die "apt-get install ${missing[*]} failed"
}

if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then
    echo "$CHROMIUM_PATH"
    exit 0
fi
install_packages
path=$(find_chromium) || die "chromium is not on PATH after installing it"
log "$("$path" --version 2>/dev/null || echo "chromium at $path")"
echo "$path"
