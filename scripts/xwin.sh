# shellcheck shell=bash
# Helpers to drive the Authdeck window under a private Xvfb as a person
# would: controls are found by the words on them (tesseract OCR of a
# screenshot), never by fixed pixels. Sourced by screenshots.sh and
# window-walk.sh. Needs: xvfb xdotool imagemagick tesseract-ocr python3.
#
# Set before sourcing: work (a scratch folder). Provides: xwin_start_x,
# xwin_start APP_CMD..., xwin_stop, find_text, click_text, wait_text,
# wait_gone, shot, key, type_text.

xpid="" app="" win=""

# xwin_start_x: a private X server on a free display.
xwin_start_x() {
	local n
	for n in $(seq 50 99); do [[ -e /tmp/.X11-unix/X$n || -e /tmp/.X$n-lock ]] || break; done
	Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
	xpid=$!
	export DISPLAY=":$n"
	for _ in $(seq 100); do [[ -e /tmp/.X11-unix/X$n ]] && return 0; sleep 0.1; done
	echo "Xvfb did not start on :$n" >&2
	return 1
}

# xwin_start CMD...: run the window and wait until it has drawn itself.
xwin_start() {
	"$@" >"$work/app.log" 2>&1 &
	app=$!
	win=$(timeout 30 xdotool search --sync --name '^Authdeck$' | head -1)
	[[ -n $win ]] || { echo "the window did not open; its log:" >&2; cat "$work/app.log" >&2; return 1; }
	sleep 2
}

xwin_stop() {
	[[ -n $app ]] && kill "$app" 2>/dev/null && wait "$app" 2>/dev/null
	app="" win=""
	return 0
}

xwin_cleanup() {
	xwin_stop
	[[ -n $xpid ]] && kill "$xpid" 2>/dev/null
	return 0
}

# alive: the window's process is still running (it has not crashed).
# (a process that has died but not been waited for is a zombie: kill -0
# still succeeds on it)
alive() {
	local st
	st=$(ps -o stat= -p "${app:-0}" 2>/dev/null) || return 1
	[[ -n $st && $st != Z* ]]
}

# ocr_words: one line per word seen in the window now, in reading order:
# "x y w h LINE word" (LINE numbers tesseract's block, paragraph and line).
# Light text on a dark theme reads best negated and made black and white.
ocr_words() {
	alive || return 1
	timeout 10 import -window "$win" "$work/ocr.png" 2>/dev/null || return 1
	convert "$work/ocr.png" -colorspace Gray -negate -threshold 55% "$work/ocr2.png"
	OMP_THREAD_LIMIT=1 tesseract "$work/ocr2.png" - --psm 11 tsv 2>/dev/null |
		awk -F'\t' 'NR>1 && $12 != "" && $11 > 30 {print $7, $8, $9, $10, $3*10000+$4*100+$5, $12}'
}

# find_text PHRASE: the centre "x y" of the words of PHRASE, on one line,
# in the window now: the lowest match when several (a dialog's buttons sit
# at its bottom), the topmost with PICK=top (a menu item above the status
# bar). Fails if not seen.
find_text() {
	ocr_words >"$work/words.txt" || return 1
	python3 - "$1" "$work/words.txt" <<'PY'
import os, re, sys
want = [w for w in re.split(r"\s+", sys.argv[1].lower()) if w]
# Case and trailing punctuation do not matter; brackets do ("Sandbox demo"
# is not the badge "Sandbox (demo)").
norm = lambda s: s.lower().replace("…", "").replace("...", "").strip(",.:;!?'\"")
def dist(a, b):  # Levenshtein: OCR misreads a letter now and then
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]
def same(seen, w, last):
    seen, w = norm(seen), norm(w)
    if last and len(seen) > len(w):
        seen = seen[:len(w)]  # the phrase may end mid-word ("Expiry report…")
    return seen == w or (len(w) >= 4 and dist(seen, w) <= len(w) // 6 + 1)
words = []
for line in open(sys.argv[2]):
    x, y, w, h, ln, t = line.rstrip("\n").split(" ", 5)
    words.append((int(x), int(y), int(w), int(h), t, int(ln)))
best = None
for i in range(len(words)):
    span = words[i:i + len(want)]
    if len(span) < len(want):
        break
    if any(s[5] != span[0][5] for s in span):
        continue
    if all(same(s[4], w, k == len(want) - 1) for k, (s, w) in enumerate(zip(span, want))):
        x0, x1 = span[0][0], span[-1][0] + span[-1][2]
        y = span[0][1] + span[0][3] // 2
        if best is None or (y > best[1]) == (os.environ.get("PICK") != "top"):
            best = ((x0 + x1) // 2, y)
if best is None:
    sys.exit(1)
print(best[0], best[1])
PY
}

# click_text PHRASE: click the middle of PHRASE, waiting up to 10 s for it.
click_text() {
	local at
	at=$(wait_text "$1" 10) || { echo "not on screen: \"$1\"" >&2; return 1; }
	# shellcheck disable=SC2086
	xdotool mousemove --window "$win" $at click 1
	sleep 0.6
}

# wait_text PHRASE [SECONDS]: wait until PHRASE is on screen; prints where.
wait_text() {
	local until=$((SECONDS + ${2:-10}))
	while ((SECONDS <= until)); do
		find_text "$1" && return 0
		alive || { echo "the window died; its log:" >&2; tail -20 "$work/app.log" >&2; return 1; }
		sleep 0.3
	done
	return 1
}

# screen_text: every word on screen, one line (for error messages).
screen_text() { ocr_words | awk '{printf "%s ", $6} END {print ""}'; }

shot() { sleep "${2:-0.8}"; timeout 10 import -window "$win" "$out/$1.png"; echo "saved $out/$1.png"; }
key() { xdotool key --window "$win" --delay 120 "$@"; sleep 0.4; }
type_text() { xdotool type --window "$win" --delay 30 "$1"; sleep 0.3; }
