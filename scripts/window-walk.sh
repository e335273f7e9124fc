#!/usr/bin/env bash
# Walks the journeys of issue 14 in the real Authdeck window under a
# private Xvfb, as a person would: each control is found by the words on it
# (tesseract OCR), clicked with xdotool, and what the window then says is
# read back the same way. `make test` runs it.
#
#   1. the expiry report saved as CSV and as JSON (it used to crash);
#   2. an error in the window's words: Copy header on a connection that is
#      not signed in says "press Connect", never a flag or a command;
#   3. Replace key… on an expired key;
#   4. a connection added from the command line shows up by itself;
#   5. search finds a store domain; 6. Ctrl+N works from the search field;
#   7. at 800×600 names are whole; 8. the README's first sign-in (sandbox).
#
# usage: scripts/window-walk.sh BINDIR   (holding authdeck and authdeck-window)
# Needs: xvfb xdotool imagemagick tesseract-ocr python3 gnome-keyring dbus.
set -euo pipefail
bindir=$(realpath "${1:?usage: window-walk.sh BINDIR}")
here=$(dirname "$(realpath "$0")")
if [[ -z ${AUTHDECK_WALK_WORK:-} ]]; then
	work=$(mktemp -d)
	exec env AUTHDECK_WALK_WORK="$work" "$here/with-keyring.sh" "$0" "$@"
fi
work=$AUTHDECK_WALK_WORK out=$work
# shellcheck source=scripts/xwin.sh
source "$here/xwin.sh"
trap 'xwin_cleanup; rm -rf "$work"' EXIT

export LANG=en_US.UTF-8 TZ=UTC HOME=$work/home AUTHDECK_CONFIG_DIR=$work/config
mkdir -p "$HOME"
cli=$bindir/authdeck
failures=0
pass() { echo "PASS: $*"; }
fail() {
	echo "FAIL: $*"
	if alive; then echo "  on screen: $(screen_text)"; else echo "  the window is gone:"; grep -m1 -A6 '^panic' "$work/app.log" || tail -5 "$work/app.log"; fi
	failures=$((failures + 1))
}
day() { date -u -d "$1" +%Y-%m-%d; }
add() { local secret=$1; shift; printf '%s' "$secret" | "$cli" add "$@" --secret-stdin >/dev/null; }

add old-key "Vinsight old export" --provider vinsight --method api-key --expires "$(day '-12 days')" --owner "Ops team"
add tok-1 "Vend shop" --provider vend --method token --param domain_prefix=myshop
"$cli" add "Sandbox demo" --provider sandbox --method oauth --param port=$((20000 + RANDOM % 20000)) </dev/null >/dev/null

# A browser that approves the sandbox's consent page, as a person would.
printf '#!/bin/sh\nexec curl -sSL --data decision=approve "$1" >/dev/null\n' >"$work/approve"
chmod +x "$work/approve"

xwin_start_x
BROWSER=$work/approve xwin_start "$bindir/authdeck-window"
wait_text "Vinsight old export" 20 >/dev/null && pass "the window lists the connections" || fail "the list never showed"

# 1. The expiry report, saved in both formats through the file dialog.
click_text "File" && PICK=top click_text "Expiry report" && wait_text "What to do" >/dev/null || fail "File › Expiry report did not open the report"
for fmt in CSV JSON; do
	if click_text "Save as $fmt" && wait_text "Cancel" >/dev/null && click_text "Save"; then
		sleep 1
		file=$(find "$HOME" -name "authdeck-expiry.${fmt,,}" | head -1)
		if alive && [[ -s $file ]]; then pass "report saved as $fmt ($file)"; else fail "report as $fmt: window alive: $(alive && echo yes || echo no), file: ${file:-none}"; fi
	else
		fail "could not walk to Save as $fmt"
	fi
	alive || { fail "the window crashed saving the report"; exit 1; }
done
grep -q "what_to_do" "$HOME/authdeck-expiry.csv" && pass "the CSV has a what-to-do column" || fail "no what_to_do in the CSV"
click_text "Close"

# 2. Copy header on a connection that is not signed in.
click_text "Sandbox demo"
if wait_text "Not signed in" >/dev/null && click_text "Copy header" && wait_text "press Connect" >/dev/null; then
	pass "not signed in: the window says to press Connect"
else
	fail "not signed in: no \"press Connect\""
fi
words=$(screen_text)
if grep -Eq -- '--[a-z]|authdeck [a-z]' <<<"$words"; then fail "command-line words on screen: $words"; else pass "no flag or command on screen"; fi

# 3. Replace key… on the expired key, its date left empty: the old key
# had a last day, so the first Replace asks about it (in red, which the
# OCR reads poorly) and keeps the dialog open; the second one means it.
click_text "Vinsight old export"
if click_text "Replace key" && click_text "Paste the new" && type_text "new-key-2" && click_text "Replace" &&
	! wait_text "key replaced" 2 >/dev/null && click_text "Replace" && wait_text "key replaced" >/dev/null; then
	pass "Replace key kept the dialog open about the old key's date, then stored the new key"
else
	fail "Replace key"
fi

# 4. A connection added from the command line appears without a restart.
add tok-2 "Added from terminal" --provider vend --method token --param domain_prefix=other
if wait_text "Added from terminal" 8 >/dev/null; then pass "a connection added from the command line appeared"; else fail "the CLI's new connection did not appear"; fi

# 5. Search finds the store domain.
click_text "Search names"
type_text "myshop"
# (the other row's second line, "Ops team · API key", must be gone)
if wait_text "Vend shop" >/dev/null && ! find_text "Ops team" >/dev/null; then pass "search finds the store domain"; else fail "search for myshop"; fi
# 6. Ctrl+N opens the wizard even while the search field has the focus.
key ctrl+n
if wait_text "Which service" >/dev/null; then pass "Ctrl+N from the search field opens the wizard"; else fail "Ctrl+N in the search field"; fi
click_text "Cancel" || key Escape
key ctrl+f # Ctrl+F puts the focus back in the search field
key ctrl+a BackSpace
wait_text "Ops team" >/dev/null && pass "Ctrl+F and emptying the search show every row again" || fail "emptying the search"

# 7. At 800×600 the names stay whole.
xdotool windowsize "$win" 800 600
sleep 1
if wait_text "Vinsight old export" >/dev/null && wait_text "Added from terminal" >/dev/null; then pass "names whole at 800×600"; else fail "names cut at 800×600"; fi

# 8. README's first sign-in: the sandbox through the wizard, then a copy.
xdotool windowsize "$win" 960 640
key ctrl+n
if click_text "Sandbox (demo)" && click_text "Next" && click_text "Next" && click_text "Connect" &&
	wait_text "renews automatically" 40 >/dev/null; then
	pass "the sandbox sign-in from the wizard ends with a green row"
	if click_text "Copy header" && wait_text "clipboard will be cleared" >/dev/null; then pass "Copy header copies"; else fail "Copy header after the sign-in"; fi
else
	fail "the sandbox sign-in from the wizard"
fi

xwin_stop
if ((failures > 0)); then
	echo "window walk: $failures step(s) failed"
	exit 1
fi
echo "window walk: every step passed"
