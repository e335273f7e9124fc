#!/usr/bin/env bash
# Run a command on a private D-Bus session with a fresh, unlocked
# gnome-keyring, so tests and benchmarks use the real Secret Service without
# touching (or depending on) the user's own keyrings.
# usage: scripts/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail
[[ $# -gt 0 ]] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -m 700 "$scratch/data" "$scratch/runtime"
# gnome-keyring keeps its keyrings under XDG_DATA_HOME and its control
# socket under XDG_RUNTIME_DIR: both private to this run. The daemon's
# harmless complaints (no fd limit in a container, no display for prompts)
# are filtered from standard error; the command's exit status is kept.
XDG_DATA_HOME=$scratch/data XDG_RUNTIME_DIR=$scratch/runtime \
	dbus-run-session -- sh -c '
		echo "authdeck-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1
		exec "$@"' with-keyring "$@" \
	2> >(grep -v -e "Failed to set fd limit" -e "SystemPrompter" -e "cannot open display" -e "^$" >&2)
