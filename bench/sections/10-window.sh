# shellcheck shell=bash
# The window: start-up to the list drawn, idle CPU and memory, each against
# bench/reference (a minimal Fyne app showing the same 50 rows in a list of
# the same size) in the same run. Sourced by scripts/bench.sh.

go build -tags migrated_fynedo -o "$app" ./cmd/authdeck-window
go build -tags migrated_fynedo -o "$ref" ./bench/reference

cfg50=$work/cfg50
"$tools/seed" -dir "$cfg50" -n 50 -rows "$work/rows50"
export AUTHDECK_CONFIG_DIR=$cfg50 # the reference ignores it

# drawn_json TITLE CMD…: one start measured by bench/drawn. GLFW now and then
# fails to reach a busy Xvfb and the program ends at once (drawn exits 3):
# that start is not counted and is tried again.
drawn_json() {
	local title=$1 out rc
	shift
	for _ in 1 2 3 4 5; do
		rc=0
		out=$("$tools/drawn" -name "$title" "$@") || rc=$?
		if ((rc == 0)); then
			echo "$out"
			return
		fi
		((rc == 3)) || { echo "bench: drawn failed on $title ($rc)" >&2; exit 1; }
		sleep 0.5
	done
	echo "bench: $title did not start in 5 tries" >&2
	exit 1
}

window_runs=${WINDOW_RUNS:-31}
echo "window start-up to the list drawn ($window_runs rounds of three starts, the order rotating)…" >&2
for f in cli app ref; do : >"$work/w.$f"; : >"$work/w.$f.map"; : >"$work/w.$f.cpu"; done
for i in $(seq "$window_runs"); do
	order=(cli app ref)
	order=("${order[@]:i%3}" "${order[@]:0:i%3}")
	for who in "${order[@]}"; do
		case $who in
		cli) j=$(drawn_json Authdeck -- "$cli") ;;
		app) j=$(drawn_json Authdeck -- "$app") ;;
		ref) j=$(drawn_json "Authdeck reference" -- "$ref" "$work/rows50") ;;
		esac
		jq -r .drawn_ms <<<"$j" >>"$work/w.$who"
		jq -r .mapped_ms <<<"$j" >>"$work/w.$who.map"
		jq -r .cpu_ms <<<"$j" >>"$work/w.$who.cpu"
	done
done
paste "$work/w.cli" "$work/w.ref" | awk '{printf "%.4f\n", $1/$2}' >"$work/w.r.cli"
paste "$work/w.app" "$work/w.ref" | awk '{printf "%.4f\n", $1/$2}' >"$work/w.r.app"
paste "$work/w.cli.map" "$work/w.ref.map" | awk '{printf "%.4f\n", $1/$2}' >"$work/w.r.map"
paste "$work/w.cli.cpu" "$work/w.ref.cpu" | awk '{printf "%.4f\n", $1/$2}' >"$work/w.r.cpu"
med() { stats "$1" | cut -d' ' -f1; }
r_start=$(med "$work/w.r.cli")
bench_row "window start-up: exec of \`authdeck\` (no arguments; it replaces itself with \`authdeck-window\`) to the list drawn, 50 connections" \
	"$(med "$work/w.cli") ms" "the reference app (\`bench/reference\`) to its list drawn" "$(med "$work/w.ref") ms" \
	"${r_start}×" "$(spread "$work/w.r.cli" ×)" "≤ 1.2×" "$(verdict "$r_start" 1.2)" \
	"bench/drawn, $window_runs rounds; Authdeck $(spread "$work/w.cli" " ms"), reference $(spread "$work/w.ref" " ms")"
bench_row "the same start-up, CPU time used until the list is drawn (user + system, all threads)" \
	"$(med "$work/w.cli.cpu") ms" "the reference app's until its list is drawn" "$(med "$work/w.ref.cpu") ms" \
	"$(med "$work/w.r.cpu")×" "$(spread "$work/w.r.cpu" ×)" "—" "" \
	"/proc/PID/stat at each frame read (10 ms ticks): less at the mercy of the machine's load than the wall time"
bench_row "the same, \`authdeck-window\` started directly (the desktop entry's way)" \
	"$(med "$work/w.app") ms" "the same reference runs" "$(med "$work/w.ref") ms" \
	"$(med "$work/w.r.app")×" "$(spread "$work/w.r.app" ×)" "—" "" \
	"the difference to the row above is what the command-line program adds before the window program starts"
bench_row "window start-up to the window mapped (not yet drawn), via \`authdeck\`" \
	"$(med "$work/w.cli.map") ms" "the reference app mapped" "$(med "$work/w.ref.map") ms" \
	"$(med "$work/w.r.map")×" "$(spread "$work/w.r.map" ×)" "—" "" "what the bench measured before issue 22"
bench_note "**Window start-up** is what a person waits for: \`bench/drawn\` execs the program, waits for a viewable top-level window with the title (polling the X server's window tree every millisecond), then reads the window's pixels every 4 ms (XGetImage, reduced to 64×48 blocks of mean brightness) until they have not changed by more than 3 % of the blocks for a second, and at least 1.5 s after the window showed. The list counts as drawn at the first frame from which every later frame is within 3 % of that settled frame: an empty list, a half-laid-out window or a blank one differ by far more; a countdown ticking in a row by far less. Authdeck is started as a person starts it, \`authdeck\` with no arguments on a display, which replaces itself with \`authdeck-window\`; the reference is a minimal Fyne app (\`bench/reference\`) with a list of the same 50 rows (two lines each, a bold name) in a window of the same size. Each round starts Authdeck through \`authdeck\`, \`authdeck-window\` directly and the reference, in rotating order; the ratio is taken per round, and its median and spread over the rounds are reported. Each program is stopped (SIGTERM) before the next starts."

echo "idle CPU over 30 s and memory (both apps side by side)…" >&2
# cpu_ticks PID: user+system clock ticks so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
app_pid=$(drawn_json Authdeck -keep -- "$app" | jq -r .pid); bench_keep "$app_pid"
ref_pid=$(drawn_json "Authdeck reference" -keep -- "$ref" "$work/rows50" | jq -r .pid); bench_keep "$ref_pid"
sleep 5 # let both settle after start-up
rss_app=$(rss_kb "$app_pid") rss_ref=$(rss_kb "$ref_pid")
a0=$(cpu_ticks "$app_pid") r0=$(cpu_ticks "$ref_pid")
sleep 30
a1=$(cpu_ticks "$app_pid") r1=$(cpu_ticks "$ref_pid")
kill "$app_pid" "$ref_pid" 2>/dev/null || true
hz=$(getconf CLK_TCK)
cpu_app=$(awk -v d=$((a1 - a0)) -v hz="$hz" 'BEGIN {printf "%.2f", 100*d/hz/30}')
cpu_ref=$(awk -v d=$((r1 - r0)) -v hz="$hz" 'BEGIN {printf "%.2f", 100*d/hz/30}')
r_cpu=$(awk -v a="$cpu_app" -v b="$cpu_ref" 'BEGIN {printf "%.2f", (b > 0) ? a/b : 0}')
r_rss=$(awk -v a="$rss_app" -v b="$rss_ref" 'BEGIN {printf "%.2f", a/b}')
bench_row "idle CPU over 30 s, 50 connections counting down" "${cpu_app} %" "the same reference app" "${cpu_ref} %" \
	"${r_cpu}×" "one 30 s window" "≤ 1.2×" "$(verdict "$r_cpu" 1.2)" "clock ticks of each process (/proc/PID/stat), both running side by side"
bench_row "resident memory after start-up" "$((rss_app / 1024)) MiB" "the same reference app" "$((rss_ref / 1024)) MiB" \
	"${r_rss}×" "one sample" "≤ 1.3×" "$(verdict "$r_rss" 1.3)" "VmRSS 5 s after the window was drawn"
unset AUTHDECK_CONFIG_DIR
