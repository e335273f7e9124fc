#!/usr/bin/env bash
# Screenshots of the Authdeck window for docs/screenshots/: the main list
# with a dozen connections of every status, the detail pane, each step of the
# add-connection wizard, the window at 800×600 and the empty state.
#
# usage: scripts/screenshots.sh BIN OUTDIR
# Runs under a private D-Bus session with an unlocked gnome-keyring (the
# window keeps secrets in the real keyring) and a private Xvfb display.
# Needs: xvfb imagemagick xdotool gnome-keyring dbus-x11 curl.
set -euo pipefail
bin=$(realpath "${1:?usage: screenshots.sh BIN OUTDIR}")
out=$(realpath -m "${2:?usage: screenshots.sh BIN OUTDIR}")
mkdir -p "$out"

if [[ -z ${AUTHDECK_SHOTS_WORK:-} ]]; then
	# Re-run inside a session bus with a keyring of our own: a fresh data
	# folder, so an existing login keyring with another password is left alone.
	work=$(mktemp -d)
	mkdir -p "$work/data" "$work/xdgconfig"
	exec dbus-run-session -- env AUTHDECK_SHOTS_WORK="$work" XDG_DATA_HOME="$work/data" \
		XDG_CONFIG_HOME="$work/xdgconfig" bash -c '
		echo screenshots | gnome-keyring-daemon --unlock --components=secrets >/dev/null
		exec "$0" "$@"' "$0" "$@"
fi

work=$AUTHDECK_SHOTS_WORK
[[ -n ${SHOTS_DEBUG:-} ]] && set -x
xpid="" app=""
cleanup() {
	[[ -n $app ]] && kill "$app" 2>/dev/null || true
	[[ -n $xpid ]] && kill "$xpid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

export LANG=en_US.UTF-8 TZ=UTC
port=$(( 20000 + RANDOM % 20000 ))

# A browser that approves the sandbox's consent page, as a person would.
cat >"$work/approve" <<'SH'
#!/bin/sh
exec curl -sSL --data decision=approve "$1" >/dev/null
SH
# A browser nobody answers: the wizard waits.
printf '#!/bin/sh\nexit 0\n' >"$work/ignore"
chmod +x "$work/approve" "$work/ignore"

day() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }

seed() { # seed DIR: a dozen connections of every status
	export AUTHDECK_CONFIG_DIR=$1
	add() { local secret=$1; shift; printf '%s' "$secret" | "$bin" add "$@" --secret-stdin >/dev/null 2>>"$work/seed.log"; }
	add key-1 "Vinsight winery" --provider vinsight --method api-key --expires "$(day '+3 days 4 hours')"
	add key-2 "Vinsight reports" --provider vinsight --method api-key --expires "$(day '+200 days')"
	add key-3 "Vinsight old export" --provider vinsight --method api-key --expires "$(day '-12 days')"
	add tok-1 "Vend main store" --provider vend --method token --param domain_prefix=mainstore --expires "$(day '+5 days 2 hours')"
	add tok-2 "Vend outlet" --provider vend --method token --param domain_prefix=outlet
	add tok-3 "Vend pop-up" --provider vend --method token --param domain_prefix=popup --expires "$(day '-2 hours')"
	add secret-1 "Vend sign-in" --provider vend --method oauth --client-id vend-app-123 --param domain_prefix=mainstore
	add secret-2 "vcita bookings" --provider vcita --method oauth --client-id vcita-app
	add appsecret "Vinli fleet" --provider vinli --method basic --user app-7731 --expires "$(day '+40 days')"
	add pw "Vinsight cookie" --provider vinsight --method session --user ops@example.com
	add not-a-token "Demo token revoked" --provider sandbox --method token --param port=$port
	"$bin" check "Demo token revoked" >/dev/null 2>&1 || true
	"$bin" add "Sandbox demo" --provider sandbox --method oauth --param port=$port </dev/null >/dev/null 2>>"$work/seed.log"
	BROWSER="$work/approve" "$bin" connect "Sandbox demo" >/dev/null 2>>"$work/seed.log"
	"$bin" check "Sandbox demo" >/dev/null || true
}

for n in $(seq 50 99); do [[ -e /tmp/.X11-unix/X$n || -e /tmp/.X$n-lock ]] || break; done
Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xpid=$!
export DISPLAY=":$n"
for _ in $(seq 50); do [[ -e /tmp/.X11-unix/X$n ]] && break; sleep 0.1; done

win=""
start() { # start CONFIGDIR [BROWSER]: run the window and wait for it
	AUTHDECK_CONFIG_DIR=$1 BROWSER=${2:-$work/ignore} "$bin" >"$work/app.log" 2>&1 &
	app=$!
	win=$(xdotool search --sync --name '^Authdeck$' | head -1)
	sleep 3
}
stop() { kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; app=""; }
shot() { sleep "${2:-1}"; import -window "$win" "$out/$1.png"; echo "saved $out/$1.png"; }
click() { xdotool mousemove --window "$win" "$1" "$2" click 1; }
key() { xdotool key --window "$win" --delay 120 "$@"; }
type() { xdotool type --window "$win" --delay 40 "$1"; }

# The empty state a new user meets.
start "$work/empty"
shot 01-empty-state
stop

seed "$work/config"
start "$work/config"
shot 02-list
click 200 100 # the first (most urgent) row
shot 03-detail
click 200 400 # a row further down, ok
shot 04-detail-ok

# The wizard, step by step (Ctrl+N).
key ctrl+n
shot 05-wizard-provider
click ${WIZ_PROVIDER_X:-222} ${WIZ_PROVIDER_Y:-276} # "Vend"
shot 06-wizard-provider-chosen 0.5
click ${WIZ_NEXT_X:-735} ${WIZ_NEXT_Y:-541}
shot 07-wizard-method
click ${WIZ_NEXT_X:-735} ${WIZ_NEXT_Y:-541}
shot 08-wizard-fields
key Escape
stop

# The sandbox sign-in waiting for the browser.
start "$work/empty"
click ${DEMO_X:-590} ${DEMO_Y:-390} # "Try it with the sandbox provider"
shot 09-wizard-sandbox-fields
click ${WIZ_NEXT_X:-735} ${WIZ_NEXT_Y:-541} # Connect
shot 10-wizard-waiting 2
stop

# The same list at 800×600.
start "$work/config"
xdotool windowsize "$win" 800 600
shot 11-list-800x600 2
click 150 100
shot 12-detail-800x600
stop
