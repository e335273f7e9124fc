#!/bin/sh
# Builds the Linux bundle dist/authdeck-VERSION-linux-ARCH.tar.xz: the window
# program authdeck-window, its desktop entry and icon (all three made by `fyne
# package`), the command-line program authdeck, shell completions, and a
# Makefile whose `make install` installs them.
#
# usage: packaging/package.sh FYNE OUTPUT.tar.xz   (run from the repository root)
set -eu

fyne=$(realpath "$1")
out=$(realpath -m "$2")
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "$root/packaging/window-src.sh"
win=$(window_src "$work")
# fyne's own tarball is unpacked again at once: compress it as little as xz can.
(cd "$win" && XZ_OPT=-0 "$fyne" package -os linux --release --tags migrated_fynedo)

# Take what fyne made (the layout under usr/ depends on the build machine) and
# lay it out the way our Makefile installs it.
mkdir "$work/fyne"
tar -xJf "$win/Authdeck.tar.xz" -C "$work/fyne"
find_one() { # the single file under $work/fyne matching the path pattern $1
	found=$(find "$work/fyne" -path "$1" -type f)
	[ "$(printf '%s\n' "$found" | grep -c .)" = 1 ] || { echo "package.sh: expected one $1 in fyne's bundle, found: $found" >&2; exit 1; }
	printf '%s\n' "$found"
}
base=$(basename "$out" .tar.xz)
b="$work/$base"
mkdir -p "$b/bin" "$b/share/applications" "$b/share/icons/hicolor/512x512/apps" \
	"$b/share/bash-completion/completions" "$b/share/zsh/site-functions" "$b/share/fish/vendor_completions.d"
cp "$(find_one '*/bin/authdeck-window')" "$b/bin/authdeck-window"
# The command-line program: no Fyne in it (see main.go).
CGO_ENABLED=0 ${GO:-go} build -C "$work/src" -trimpath -ldflags "-s -w" -o "$b/bin/authdeck" . # static: no dynamic loader at each start
cp "$(find_one '*/applications/net.authdeck.app.desktop')" "$b/share/applications/net.authdeck.app.desktop"
cp "$(find_one '*/pixmaps/net.authdeck.app.png')" "$b/share/icons/hicolor/512x512/apps/net.authdeck.app.png"
"$b/bin/authdeck" completion bash >"$b/share/bash-completion/completions/authdeck"
"$b/bin/authdeck" completion zsh >"$b/share/zsh/site-functions/_authdeck"
"$b/bin/authdeck" completion fish >"$b/share/fish/vendor_completions.d/authdeck.fish"
cp "$root/packaging/Makefile" "$b/Makefile"
cp "$root/packaging/INSTALL" "$b/INSTALL"

mkdir -p "$(dirname "$out")"
XZ_OPT=${XZ_OPT:--T0} tar -cJf "$out.tmp" -C "$work" --owner=0 --group=0 "$base"
mv "$out.tmp" "$out"
echo "$out"
