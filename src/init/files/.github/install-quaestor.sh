#!/bin/sh
# Installs the quaestor release this site is built with into DIR/bin (default ~/.quaestor/bin).
# Used by .github/workflows/pages.yml and netlify.toml. To upgrade, change QUAESTOR_VERSION and
# QUAESTOR_SHA256 together.
set -eu
version="${QUAESTOR_VERSION:-{{VERSION}}}"
# The SHA-256 of the release archive. Pin it (the release's .sha256 file, or `sha256sum` of the
# archive) so that a replaced download is refused; when empty, the release's own .sha256 file is
# checked, which catches a broken download but not a replaced release.
sha256="${QUAESTOR_SHA256:-}"
repo="${QUAESTOR_REPO:-{{REPOSITORY}}}"
if [ -z "$repo" ]; then
  echo "error: the quaestor that wrote this script knew no repository to install from: set" \
    "QUAESTOR_REPO (e.g. https://github.com/<owner>/quaestor) here or in the environment" >&2
  exit 1
fi
root="${1:-$HOME/.quaestor}"
bin="$root/bin/quaestor"

if [ -x "$bin" ] && [ "$("$bin" --version)" = "quaestor $version" ]; then
  echo "quaestor $version already installed in $root/bin"
  exit 0
fi
mkdir -p "$root/bin"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
asset=quaestor-x86_64-unknown-linux-gnu.tar.gz
url="$repo/releases/download/v$version/$asset"
if curl -fsSL --retry 3 -o "$tmp/$asset" "$url"; then
  if [ -z "$sha256" ]; then
    curl -fsSL --retry 3 -o "$tmp/$asset.sha256" "$url.sha256"
    sha256=$(cut -d ' ' -f 1 "$tmp/$asset.sha256")
  fi
  # A mismatch is never papered over by building from source: it means the download is not the
  # release this site pinned.
  if ! echo "$sha256  $tmp/$asset" | sha256sum -c - >/dev/null; then
    echo "error: $url does not match SHA-256 $sha256; nothing installed" >&2
    exit 1
  fi
  tar -xzf "$tmp/$asset" -C "$tmp" quaestor
  install -m 755 "$tmp/quaestor" "$bin"
else
  echo "no release archive at $url; building quaestor $version from source (several minutes)" >&2
  cargo install --locked --git "$repo" --tag "v$version" --root "$root" quaestor
fi
"$bin" --version
