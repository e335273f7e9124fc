#!/usr/bin/env bash
# make bench: Authdeck's figures, each as a ratio against a reference
# measured in this same run on this same machine (absolute times on a shared
# machine are noise), with the spread over the runs, and how each was
# measured. Writes docs/BENCHMARKS.md. Runs under scripts/with-keyring.sh
# (see the Makefile): a real gnome-keyring on a private session bus.
#
# The figures come from the sections in bench/sections/NN-name.sh, sourced
# in order. A section uses what this script sets up:
#   $cli $app           bin/authdeck, bin/authdeck-window (built by the
#                       window section, which also builds $ref, the reference)
#   $tools              bin/bench: seed, runs, drawn, hello (see bench/*)
#   $work               a scratch folder, removed at the end
#   $DISPLAY            a private Xvfb, 1280×800
# and these helpers (defined below):
#   bench_row FIGURE AUTHDECK COMPARED-WITH REFERENCE RATIO SPREAD TARGET VERDICT HOW
#                       one row of the table (markdown allowed in each cell)
#   bench_note TEXT     a paragraph under "How each figure was measured"
#   bench_keep PID      stop PID when the script ends
#   stats FILE          median p10 p90 min max n of the numbers in FILE
#   spread FILE [UNIT]  "p10–p90 A–B, min–max C–D" of the numbers in FILE
#   jget JSON PATH      a number from the JSON that bin/bench/runs printed
#   verdict VALUE TARGET   met / **missed** (VALUE ≤ TARGET)
# Run some sections only: `make bench BENCH="header list"` (names without
# the NN- prefix); the result then goes to dist/bench-partial.md and
# docs/BENCHMARKS.md is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
_pids=()
cleanup() {
	for p in "${_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
bench_keep() { _pids+=("$1"); }

: >"$work/rows.md"; : >"$work/notes.md"
bench_row() {
	(($# == 9)) || { echo "bench_row: 9 cells expected, got $#: $*" >&2; exit 1; }
	local IFS='|'
	printf '| %s |\n' "$(printf '%s|' "$@" | sed 's/|$//; s/|/ | /g')" >>"$work/rows.md"
}
bench_note() { printf '%s\n\n' "$*" >>"$work/notes.md"; }

stats() {
	sort -g "$1" | awk '{a[NR]=$1} END {
		if (NR == 0) { print "0 0 0 0 0 0"; exit }
		split("0.5 0.1 0.9", q, " ")
		for (i = 1; i <= 3; i++) { p = q[i]*(NR-1)+1; lo = int(p); hi = (lo < NR) ? lo+1 : lo; v[i] = a[lo] + (a[hi]-a[lo])*(p-lo) }
		printf "%.4g %.4g %.4g %.4g %.4g %d\n", v[1], v[2], v[3], a[1], a[NR], NR }'
}
spread() {
	local unit=${2:-} s
	read -r -a s < <(stats "$1")
	printf 'p10–p90 %s–%s%s, min–max %s–%s%s (n=%s)' "${s[1]}" "${s[2]}" "$unit" "${s[3]}" "${s[4]}" "$unit" "${s[5]}"
}
jget() { jq -r "$2" <<<"$1" | awk '{printf "%.3g", $1}'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN {print (r <= t) ? "met" : "**missed**"}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

load_start=$(load)
echo "building…" >&2
tools=$PWD/bin/bench
mkdir -p "$tools"
CGO_ENABLED=0 go build -tags migrated_fynedo -o bin/authdeck . # as make build does
for t in seed runs drawn hello; do go build -o "$tools/$t" "./bench/$t"; done
# The command-line program must not link the graphics stack (issue 15.1).
fyne_deps=$(go list -tags migrated_fynedo -deps . | grep -c '^fyne.io/' || true)
[[ $fyne_deps == 0 ]] || { echo "bench: authdeck links $fyne_deps Fyne packages" >&2; exit 1; }
cli=$PWD/bin/authdeck app=$PWD/bin/authdeck-window ref=$tools/reference
[[ $PWD != *[[:space:]]* ]] || { echo "bench: run from a path without spaces" >&2; exit 1; }

# A private X display.
for n in $(seq 50 99); do [[ -e /tmp/.X11-unix/X$n || -e /tmp/.X$n-lock ]] || break; done
Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
bench_keep $!
export DISPLAY=":$n" LANG=en_US.UTF-8
for _ in $(seq 100); do [[ -e /tmp/.X11-unix/X$n ]] && break; sleep 0.05; done

only=" ${BENCH:-} "
ran=() failed=()
for section in bench/sections/[0-9]*.sh; do
	name=$(basename "$section" .sh); name=${name#*-}
	[[ $only == "  " || $only == *" $name "* ]] || continue
	echo "== $name (load average $(load))" >&2
	# Each section runs in a subshell of its own: one that fails (a tool
	# missing, a build that breaks) is reported in the table and the others
	# still run. The programs it keeps running stop when it ends.
	# (Not an `if ( … )`: errexit does not apply inside a condition.)
	set +e
	(
		set -e
		_pids=()
		trap 'for p in "${_pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
		# shellcheck source=/dev/null
		source "$section"
	)
	rc=$?
	set -e
	if ((rc == 0)); then
		ran+=("$name")
	else
		echo "bench: section $name failed" >&2
		failed+=("$name")
		bench_row "**section \`$name\` failed** (its output above says why)" "—" "—" "—" "—" "—" "—" "**failed**" "bench/sections/$(basename "$section")"
	fi
done
((${#ran[@]} + ${#failed[@]})) || { echo "bench: no section matches BENCH=\"${BENCH:-}\"" >&2; exit 1; }

out=docs/BENCHMARKS.md
[[ $only == "  " ]] || { mkdir -p dist; out=dist/bench-partial.md; }
# The soak section (written by `make soak`) is kept as it is.
soak=$(awk '/^## Soak/ {on = 1; print; next} on && /^## / {on = 0} on' docs/BENCHMARKS.md 2>/dev/null || true)
{
	echo "# Benchmarks"
	echo
	echo "Measured by \`make bench\` on $(date -u '+%Y-%m-%d %H:%M UTC'): $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(go version | cut -d' ' -f3-4), Xvfb, gnome-keyring; sections: ${ran[*]}${failed:+; failed: ${failed[*]}}. Load average ${load_start} at the start and $(load) at the end: other work on the machine slows every figure, which is why each is a ratio against a reference measured in the same run, the runs interleaved, and why the spread over the runs is given beside each median."
	echo
	echo "| figure | Authdeck | compared with | reference | ratio (median) | spread of the ratio over the runs | target | | how it was measured; floor |"
	echo "|---|---|---|---|---|---|---|---|---|"
	cat "$work/rows.md"
	echo
	echo "## How each figure was measured"
	echo
	cat "$work/notes.md"
	if [[ -f docs/BENCHMARKS.notes.md ]]; then cat docs/BENCHMARKS.notes.md; fi
	if [[ -n $soak ]]; then printf '\n%s\n' "$soak"; fi
} >"$out.new"
mv "$out.new" "$out"
cat "$out"
((${#failed[@]} == 0)) || { echo "bench: failed sections: ${failed[*]}" >&2; exit 1; }
