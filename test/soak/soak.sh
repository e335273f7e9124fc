#!/usr/bin/env bash
# Starts the Authdeck window N times with CONNS connections under a private
# Xvfb, waits each time for the mapped window, then stops it the three ways a
# person does, in turn: SIGTERM (log-out, kill), the Quit menu item, closing
# the window. Counts the windows that mapped, the stops that exited within
# 2 s, and checks after every run that no connection was lost or changed.
# On a failure it keeps the run's log with a goroutine dump (SIGQUIT) in OUT.
#
# usage: test/soak/soak.sh BINDIR N CONNS OUT [RECORD]
#   BINDIR holds authdeck and authdeck-window; run it on a private session
#   bus with an unlocked keyring (scripts/with-keyring.sh). With RECORD
#   (docs/BENCHMARKS.md), the figures replace its "## Soak" section.
# Needs: xvfb xdotool jq python3-xlib libsecret-tools.
set -euo pipefail
bindir=$(realpath "${1:?usage: soak.sh BINDIR N CONNS OUT}")
runs=${2:?} conns=${3:?} out=$(realpath -m "${4:?}") record=${5:-}
here=$(dirname "$(realpath "$0")")
cli=$bindir/authdeck win=$bindir/authdeck-window
[[ -n ${DBUS_SESSION_BUS_ADDRESS:-} ]] || { echo "soak: run me with scripts/with-keyring.sh (no session bus)" >&2; exit 2; }
# Bounds that only catch a hang: a window that has not mapped after MAP_LIMIT
# seconds is missing, a process still running EXIT_LIMIT seconds after the
# request to stop is hung. EXIT_TARGET is the requirement.
MAP_LIMIT=${MAP_LIMIT:-60} EXIT_TARGET=${EXIT_TARGET:-2} EXIT_LIMIT=${EXIT_LIMIT:-20}

rm -rf "$out"; mkdir -p "$out"
work=$(mktemp -d)
xpid="" app=""
cleanup() {
	[[ -n $app ]] && kill -9 "$app" 2>/dev/null || true
	[[ -n $xpid ]] && kill "$xpid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
export LANG=en_US.UTF-8 TZ=UTC AUTHDECK_CONFIG_DIR=$work/config BROWSER=false GOTRACEBACK=all

for n in $(seq 60 120); do [[ -e /tmp/.X11-unix/X$n || -e /tmp/.X$n-lock ]] || break; done
Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xpid=$!
export DISPLAY=":$n"
for _ in $(seq 100); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done 2>/dev/null || true
for _ in $(seq 100); do [[ -e /tmp/.X11-unix/X$n ]] && break; sleep 0.1; done

# CONNS connections of the kinds that need no provider: keys and tokens,
# some expiring, some expired, some without an expiry.
day() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
for i in $(seq "$conns"); do
	case $((i % 4)) in
	0) exp=(--expires "$(day "+$((i * 9)) days")") ;;
	1) exp=(--expires "$(day "+$((i % 6 + 1)) days")") ;;
	2) exp=(--expires "$(day "-$i days")") ;;
	3) exp=() ;;
	esac
	if ((i % 2)); then
		printf 'soak-key-%03d' "$i" | "$cli" add "Soak $i" --provider vinsight --method api-key "${exp[@]}" --secret-stdin >/dev/null 2>&1
	else
		printf 'soak-token-%03d' "$i" | "$cli" add "Soak $i" --provider vend --method token --param domain_prefix="store$i" "${exp[@]}" --secret-stdin >/dev/null 2>&1
	fi
done
# What must survive every run: each connection as listed (less the
# countdown, which moves with the clock) and each keyring item's secret
# (read in one go with secret-tool; Authdeck's items are named
# authdeck:<hash of the config folder>).
ns=authdeck:$(printf %s "$AUTHDECK_CONFIG_DIR" | sha256sum | cut -c1-12)
snapshot() {
	"$cli" list --json | jq -S 'map(del(.countdown))'
	secret-tool search --all service "$ns" 2>/dev/null | awk '/^label = /{l=$0} /^secret = /{print l" "$0}' | sort
}
snapshot >"$work/before"
[[ $(jq length <<<"$("$cli" list --json)") == "$conns" && $(grep -c "connection/" "$work/before") == "$conns" ]] ||
	{ echo "soak: seeding made the wrong number of connections or keyring items" >&2; exit 1; }

mapped=0 intime=0 intact=0 crashed=0 maxmap=0 maxexit=0 retried=0
# wait_gone PID SECONDS: poll until PID has exited; false if it has not.
wait_gone() {
	local deadline=$((SECONDS + $2))
	local t0=$EPOCHREALTIME
	while kill -0 "$1" 2>/dev/null; do
		# A zombie has exited: its parent (us) just has not reaped it yet.
		[[ $(ps -o stat= -p "$1" 2>/dev/null) == Z* ]] && break
		((SECONDS < deadline)) || return 1
		sleep 0.02
	done
	elapsed=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b-a}')
}
# keep NAME: save this run's log, with a goroutine dump if it still runs.
keep() {
	if kill -0 "$app" 2>/dev/null; then
		kill -QUIT "$app" 2>/dev/null || true
		wait_gone "$app" 5 || kill -9 "$app" 2>/dev/null || true
	fi
	wait "$app" 2>/dev/null || true
	cp "$work/app.log" "$out/run-$i-$1.log"
	echo "  kept $out/run-$i-$1.log" >&2
}
for i in $(seq "$runs"); do
	how=(sigterm quit-menu close-window)
	how=${how[$(((i - 1) % 3))]}
	"$win" >"$work/app.log" 2>&1 &
	app=$!
	wid="" start=$SECONDS
	while [[ -z $wid ]] && ((SECONDS - start < MAP_LIMIT)) && kill -0 "$app" 2>/dev/null; do
		wid=$(xdotool search --onlyvisible --pid "$app" --name '^Authdeck$' 2>/dev/null | head -1) || true
		[[ -n $wid ]] || sleep 0.05
	done
	if [[ -z $wid ]]; then
		echo "run $i: NO WINDOW after $((SECONDS - start)) s" >&2
		keep no-window
		app=""
		continue
	fi
	mapped=$((mapped + 1))
	maptime=$((SECONDS - start))
	((maptime > maxmap)) && maxmap=$maptime
	# A failed request (the window gone already) is reported, not fatal:
	# whether the program then exits is what counts.
	case $how in
	sigterm) kill -TERM "$app" ;;
	quit-menu)
		# File ▸ Quit: the menu opens at the top left; Quit is its last item.
		# Keys go where the pointer is, as typed ones do (no window manager).
		xdotool mousemove --window "$wid" 20 12 click 1 || echo "run $i: xdotool could not click File" >&2
		sleep 0.3
		xdotool key Up Return || echo "run $i: xdotool could not type" >&2 ;;
	close-window) "$here/closewin.py" "$wid" || echo "run $i: could not ask window $wid to close" >&2 ;;
	esac
	elapsed=""
	if wait_gone "$app" "$EXIT_LIMIT"; then
		rc=0
		wait "$app" 2>/dev/null || rc=$?
		# Every way out is a clean exit: a crash that happens to end the
		# program in time is still a failure.
		if [[ $rc != 0 ]]; then
			echo "run $i ($how): exit status $rc" >&2
			cp "$work/app.log" "$out/run-$i-exit-$rc.log"
			crashed=$((crashed + 1))
		fi
		maxexit=$(awk -v a="$maxexit" -v b="$elapsed" 'BEGIN{print (b > a ? b : a)}')
		if awk -v e="$elapsed" -v t="$EXIT_TARGET" 'BEGIN{exit !(e <= t)}'; then
			intime=$((intime + 1))
		else
			echo "run $i ($how): exited after ${elapsed} s" >&2
			cp "$work/app.log" "$out/run-$i-slow-$how.log"
		fi
	else
		echo "run $i ($how): STILL RUNNING after $EXIT_LIMIT s" >&2
		keep "hung-$how"
	fi
	app=""
	grep -q "did not answer" "$work/app.log" && retried=$((retried + 1))
	if snapshot | cmp -s - "$work/before"; then
		intact=$((intact + 1))
	else
		echo "run $i ($how): CONNECTIONS CHANGED" >&2
		snapshot | diff "$work/before" - >"$out/run-$i-changed.diff" || true
	fi
	printf 'run %3d %-12s mapped within %d s, exited in %s s\n' "$i" "$how" "$maptime" "${elapsed:-?}"
done
summary="mapped $mapped/$runs, exited within ${EXIT_TARGET} s $intime/$runs, connections intact after $intact/$runs runs ($conns connections), $crashed unclean exits, $retried starts retried the X server"
echo "$summary" | tee "$out/summary.txt"
if [[ -n $record ]]; then
	section=$(
		echo "## Soak: the window starts and stops every time (issue 17)"
		echo
		echo "Measured by \`make soak\` on $(date -u +%Y-%m-%d) ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end): $runs starts of \`authdeck-window\` with $conns connections under Xvfb and a private keyring, each time waiting for the mapped window, then stopping it by SIGTERM, File › Quit and closing the window, in turn. After every run the connections (\`list --json\`) and every keyring secret are compared with those before the first."
		echo
		echo "| figure | result | target |"
		echo "|---|---|---|"
		echo "| window mapped | $mapped/$runs (slowest: within ${maxmap} s) | $runs/$runs |"
		echo "| exited within ${EXIT_TARGET} s of the request | $intime/$runs (slowest: ${maxexit} s) | $runs/$runs |"
		echo "| connections and secrets unchanged | $intact/$runs | $runs/$runs |"
		echo "| unclean exits (crash, killed by the signal) | $crashed | 0 |"
		echo
		echo "What the soak found and what was fixed is in docs/upstream-fyne.md: SIGTERM before Fyne's handler started (exit 143 in a third of SIGTERMs; Authdeck now handles it before the window shows), GLFW's single try at the X server (no window in 1–3 of 100 starts; Authdeck now retries), a tray update during quit (a panic; dropped now). Starts where the X server did not answer at first: $retried (each one a missing window before). Fyne's own shutdown race (report 3 there) can still end a quit uncleanly, about once in 100 runs; Authdeck cannot reach it."
	)
	{
		awk '/^## Soak/ {skip = 1; next} skip && /^## / {skip = 0} !skip' "$record"
		printf '\n%s\n' "$section"
	} >"$record.new"
	mv "$record.new" "$record"
fi
[[ $mapped == "$runs" && $intime == "$runs" && $intact == "$runs" && $crashed == 0 ]]
