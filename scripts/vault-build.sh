#!/bin/sh
# Build a pinned HashiCorp Vault from the Go module proxy once, into a cache
# outside the clone, for the team-store tests (a real `vault server -dev`).
# The module zip lacks the api/ (with api/auth/*) and sdk/ folders its go.mod points at with
# `replace`, so those lines are dropped and the published versions used.
# Prints the binary's path. About 8 minutes and 3 GB cold on 2 cores.
set -eu
GO=${GO:-go}
VERSION=${VAULT_VERSION:-v1.21.0}
cache=${AUTHDECK_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/authdeck}
bin="$cache/vault-$VERSION/vault"
if [ -x "$bin" ] && "$bin" version >/dev/null 2>&1; then
	echo "$bin"
	exit 0
fi
mkdir -p "$cache"
# Two callers at once (make test-go and make bench, say) would build twice
# into one file: the second waits for the first and then finds its binary.
exec 9>"$cache/vault-$VERSION.lock"
flock 9
if [ -x "$bin" ] && "$bin" version >/dev/null 2>&1; then
	echo "$bin"
	exit 0
fi
src=$("$GO" mod download -json "github.com/hashicorp/vault@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$src" ] || { echo "vault-build: the module proxy did not give github.com/hashicorp/vault@$VERSION" >&2; exit 1; }
work=$(mktemp -d "$cache/vault-src.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$src/." "$work/"
chmod -R u+w "$work"
sed -i '/^replace github.com\/hashicorp\/vault\/[^ ]* => \.\//d' "$work/go.mod"
echo "vault-build: building Vault $VERSION (once; cached in $cache)" >&2
mkdir -p "$(dirname "$bin")"
(cd "$work" && GOFLAGS=-mod=mod "$GO" build -tags minimal -ldflags="-s -w" -o "$bin.tmp" .)
mv "$bin.tmp" "$bin"
echo "$bin"
