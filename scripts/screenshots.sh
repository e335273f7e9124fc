#!/usr/bin/env bash
# Screenshots of the Authdeck window for docs/screenshots/: the main list
# with a dozen connections of every status, the detail pane, an error, the
# expiry report, Replace key, each step of the add-connection wizard, the
# window at 800×600 and the empty state. Controls are found by the words on
# them (tesseract OCR, scripts/xwin.sh), not by fixed pixels. Look at every
# picture after a change.
#
# usage: scripts/screenshots.sh BINDIR OUTDIR   (BINDIR holds authdeck and authdeck-window)
# Runs under a private D-Bus session with an unlocked gnome-keyring (the
# window keeps secrets in the real keyring) and a private Xvfb display.
# Needs: xvfb imagemagick xdotool tesseract-ocr python3 gnome-keyring dbus-x11 curl.
set -euo pipefail
bindir=$(realpath "${1:?usage: screenshots.sh BINDIR OUTDIR}")
out=$(realpath -m "${2:?usage: screenshots.sh BINDIR OUTDIR}")
here=$(dirname "$(realpath "$0")")
mkdir -p "$out"

if [[ -z ${AUTHDECK_SHOTS_WORK:-} ]]; then
	work=$(mktemp -d)
	exec env AUTHDECK_SHOTS_WORK="$work" "$here/with-keyring.sh" "$0" "$@"
fi
work=$AUTHDECK_SHOTS_WORK
# shellcheck source=scripts/xwin.sh
source "$here/xwin.sh"
trap 'xwin_cleanup; rm -rf "$work"' EXIT
[[ -n ${SHOTS_DEBUG:-} ]] && set -x

export LANG=en_US.UTF-8 TZ=UTC HOME=$work/home
mkdir -p "$HOME"
cli=$bindir/authdeck
port=$((20000 + RANDOM % 20000))

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
	add() { local secret=$1; shift; printf '%s' "$secret" | "$cli" add "$@" --secret-stdin >/dev/null 2>>"$work/seed.log"; }
	add key-1 "Vinsight winery" --provider vinsight --method api-key --expires "$(day '+3 days 4 hours')" --owner "Dana (accounts)" --note "nightly stock export"
	add key-2 "Vinsight reports" --provider vinsight --method api-key
	add key-3 "Vinsight old export" --provider vinsight --method api-key --expires "$(day '-12 days')" --owner "Sam (IT)"
	add tok-1 "Vend main store" --provider vend --method token --param domain_prefix=mainstore --expires "$(day '+5 days 2 hours')"
	add tok-2 "Vend outlet" --provider vend --method token --param domain_prefix=outlet
	add tok-3 "Vend pop-up" --provider vend --method token --param domain_prefix=popup --expires "$(day '-2 hours')"
	add secret-1 "Vend sign-in" --provider vend --method oauth --client-id vend-app-123 --param domain_prefix=mainstore
	add secret-2 "vcita bookings" --provider vcita --method oauth --client-id vcita-app
	add appsecret "Vinli fleet" --provider vinli --method basic --user app-7731 --expires "$(day '+40 days')"
	add pw "Vinsight cookie" --provider vinsight --method session --user ops@example.com
	add not-a-token "Demo token revoked" --provider sandbox --method token --param port=$port
	"$cli" check "Demo token revoked" >/dev/null 2>&1 || true
	"$cli" add "Sandbox demo" --provider sandbox --method oauth --param port=$port --owner "you" </dev/null >/dev/null 2>>"$work/seed.log"
	BROWSER="$work/approve" "$cli" connect "Sandbox demo" >/dev/null 2>>"$work/seed.log"
	"$cli" check "Sandbox demo" >/dev/null || true
}

start() { # start CONFIGDIR [BROWSER]: run the window and wait for it
	AUTHDECK_CONFIG_DIR=$1 BROWSER=${2:-$work/ignore} xwin_start "$bindir/authdeck-window"
}

xwin_start_x

# The empty state a new user meets.
start "$work/empty"
shot 01-empty-state
xwin_stop

seed "$work/config"
start "$work/config"
shot 02-list
click_text "Demo token revoked" # the first (most urgent) row
shot 03-detail

# An error, in the window's words: Copy header before signing in.
click_text "Vend sign-in"
click_text "Copy header"
wait_text "press Connect" >/dev/null || true
shot 13-error-not-signed-in

# The expiry report (File › Expiry report…).
click_text "File"
PICK=top click_text "Expiry report"
wait_text "What to do" >/dev/null || true
shot 14-report
click_text "Close"

# Replace key… on the expired key.
click_text "Vinsight old export"
click_text "Replace key"
shot 15-replace-key
click_text "Cancel"

# A connection that is fine, found with the search.
click_text "Search names"
type_text "Sandbox demo"
click_text "Sandbox demo"
shot 04-detail-ok
PICK=top click_text "Sandbox demo" # the search field, to empty it
key ctrl+a BackSpace

# The wizard, step by step (Ctrl+N), from the keyboard: the first choice
# has the focus, Tab moves, Space chooses, Enter goes on.
key ctrl+n
wait_text "Which service" >/dev/null || true
shot 05-wizard-provider
key Tab Tab space # "Vend"
shot 06-wizard-provider-chosen 0.5
key Return
wait_text "How do you want" >/dev/null || true
shot 07-wizard-method
key Return
wait_text "Connection name" >/dev/null || true
shot 08-wizard-fields
key Escape
xwin_stop

# The sandbox sign-in waiting for the browser (Enter presses Connect).
start "$work/empty"
click_text "Try it with the sandbox provider" || true
wait_text "Connection name" >/dev/null || true
shot 09-wizard-sandbox-fields
key Return
wait_text "Waiting" >/dev/null || true
shot 10-wizard-waiting
xwin_stop

# The same list at 800×600.
start "$work/config"
xdotool windowsize "$win" 800 600
shot 11-list-800x600 2
click_text "Vinsight winery"
shot 12-detail-800x600
# A problem in the wizard, at the top of the step, its field marked.
key ctrl+n
wait_text "Which service" >/dev/null || true
key Return # Vinsight, Next
wait_text "How do you want" >/dev/null || true
key Return
wait_text "Client ID" >/dev/null || true
key Return # Connect with no client ID
wait_text "needs a client" >/dev/null || true
shot 16-wizard-error-800x600
key Escape
xwin_stop

# Dialogs stay open on a mistake, the field marked and what to type said
# (issue 21.3, 21.9): a date in the past, a name taken in other capitals.
start "$work/config"
click_text "Vinsight winery"
click_text "Edit expiry"
wait_text "Expires on" >/dev/null || true
key ctrl+a
type_text "2025-06-01"
key Return
wait_text "already passed" >/dev/null || true
shot 17-expiry-in-the-past
key Escape
click_text "Rename"
wait_text "New name" >/dev/null || true
key ctrl+a
type_text "vinsight reports"
key Return
wait_text "capitals" >/dev/null || true
shot 18-rename-name-taken
key Escape
# The least window: every part still readable, the status bar kept.
xdotool windowsize "$win" 500 400
shot 19-list-500x400 2
xwin_stop
