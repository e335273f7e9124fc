#!/bin/sh
# Cross-builds Authdeck for Windows (x86-64) from Linux with MinGW-w64, into
# OUTDIR: authdeck-window.exe, the window (GUI subsystem, with the icon, the
# manifest and the version information `fyne package -os windows` embeds),
# authdeck.exe, the console command-line program, and a zip of both with
# INSTALL.txt, ready for an installer or to unpack.
#
# usage: packaging/windows/package.sh FYNE OUTDIR   (run from the repository root)
# Needs: gcc-mingw-w64-x86-64 (x86_64-w64-mingw32-gcc), zip.
set -eu

fyne=$(realpath "$1")
out=$(realpath -m "$2")
root=$(pwd)
go=${GO:-go}
version=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "$root/packaging/window-src.sh"
win=$(window_src "$work")
(cd "$win" && CC=x86_64-w64-mingw32-gcc GOOS=windows GOARCH=amd64 \
	"$fyne" package -os windows --release --tags migrated_fynedo)
# fyne names the program after the app (Authdeck.exe); the command-line
# program looks for authdeck-window.exe beside itself.
mkdir -p "$out"
mv "$win/Authdeck.exe" "$out/authdeck-window.exe"

# The command-line program needs no C compiler (go-keyring's Windows
# backend is plain system calls) and stays a console program.
CGO_ENABLED=0 GOOS=windows GOARCH=amd64 "$go" build -C "$work/src" -trimpath \
	-ldflags "-s -w" -o "$out/authdeck.exe" .

cp "$root/packaging/windows/INSTALL.txt" "$out/INSTALL.txt"
zipname="authdeck-$version-windows-amd64.zip"
rm -f "$out/$zipname"
(cd "$out" && zip -q -X "$zipname" authdeck.exe authdeck-window.exe INSTALL.txt)
echo "$out/authdeck-window.exe"
echo "$out/authdeck.exe"
echo "$out/$zipname"
