//go:build !ci

package ui

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"authdeck/auth"
)

// The wizard in a real window: Authdeck's own program under Xvfb, driven
// with xdotool, its controls found by what a person reads on the screen
// (tesseract OCR), never by fixed pixels. It needs Xvfb, xdotool,
// ImageMagick, tesseract and a keyring on the session bus (make test runs
// it under scripts/with-keyring.sh); AUTHDECK_REQUIRE_X11=1 turns a missing
// tool into a failure. AUTHDECK_WIZARD_SHOTS=DIR keeps a screenshot of
// each step there (for docs/screenshots).

// x11 is one Xvfb display with the window on it.
type x11 struct {
	t       *testing.T
	display string
	work    string
	win     string
	app     *exec.Cmd
	shots   string
}

func needX11(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("a real window takes a minute")
	}
	var missing []string
	for _, tool := range []string{"Xvfb", "xdotool", "import", "convert", "tesseract"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		missing = append(missing, "a session bus with a keyring (scripts/with-keyring.sh)")
	}
	if len(missing) == 0 {
		return
	}
	if os.Getenv("AUTHDECK_REQUIRE_X11") != "" {
		t.Fatalf("missing for the real-window test: %s", strings.Join(missing, ", "))
	}
	t.Skipf("missing for the real-window test: %s", strings.Join(missing, ", "))
}

// buildWindow builds the authdeck-window program for a test, or takes the
// one AUTHDECK_WINDOW_BIN names (to run the tests against a build with a
// feature taken out, and see them fail).
func buildWindow(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("AUTHDECK_WINDOW_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "authdeck-window")
	_, file, _, _ := runtime.Caller(0)
	cmd := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, "./cmd/authdeck-window")
	cmd.Dir = filepath.Dir(filepath.Dir(file))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the window: %v\n%s", err, out)
	}
	return bin
}

// startX11 starts a private Xvfb display.
func startX11(t *testing.T) *x11 {
	t.Helper()
	x := &x11{t: t, work: t.TempDir(), shots: os.Getenv("AUTHDECK_WIZARD_SHOTS")}
	for n := 70; n < 200 && x.display == ""; n++ {
		if displayFree(n) {
			x.display = ":" + strconv.Itoa(n)
		}
	}
	if x.display == "" {
		t.Fatal("no free X display between :70 and :199")
	}
	srv := exec.Command("Xvfb", x.display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	// SIGTERM first: a killed Xvfb leaves its lock file behind, and a
	// machine that ran many of these tests ran out of displays.
	t.Cleanup(func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			_ = srv.Process.Kill()
			<-done
		}
	})
	x.eventually("the X server to start", func() bool {
		_, err := os.Stat("/tmp/.X11-unix/X" + strings.TrimPrefix(x.display, ":"))
		return err == nil
	})
	return x
}

// eventually polls cond; the bound is generous, for a busy machine.
func (x *x11) eventually(what string, cond func() bool) {
	x.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			x.t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// start runs the window on config with BROWSER=browser and waits for it.
func (x *x11) start(bin, config, browser string) {
	x.t.Helper()
	x.app = exec.Command(bin)
	x.app.Env = append(os.Environ(), "DISPLAY="+x.display, "AUTHDECK_CONFIG_DIR="+config, "BROWSER="+browser,
		"LANG=en_US.UTF-8", "TZ=UTC")
	log, err := os.Create(filepath.Join(x.work, "window.log"))
	if err != nil {
		x.t.Fatal(err)
	}
	x.app.Stdout, x.app.Stderr = log, log
	if err := x.app.Start(); err != nil {
		x.t.Fatal(err)
	}
	x.t.Cleanup(x.stop)
	x.eventually("the Authdeck window", func() bool {
		out, err := x.xdotool("search", "--name", "^Authdeck$")
		if ids := strings.Fields(out); err == nil && len(ids) > 0 {
			x.win = ids[0]
		}
		return x.win != ""
	})
}

func (x *x11) stop() {
	if x.app != nil && x.app.Process != nil {
		_ = x.app.Process.Kill()
		_ = x.app.Wait()
		x.app = nil
	}
}

func (x *x11) xdotool(args ...string) (string, error) {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+x.display)
	out, err := cmd.Output()
	return string(out), err
}

// key types keys (xdotool names) into the window.
func (x *x11) key(keys ...string) {
	x.t.Helper()
	args := append([]string{"key", "--window", x.win, "--delay", "150"}, keys...)
	if _, err := x.xdotool(args...); err != nil {
		x.t.Fatalf("xdotool key %v: %v", keys, err)
	}
	time.Sleep(400 * time.Millisecond) // let a frame be drawn before the next look
}

// word is one word tesseract read, where it is on the screen.
type word struct {
	text       string
	line       string
	x, y, w, h int
}

// read takes a screenshot and reads its words. Tesseract reads dark text
// on a light ground best: the picture's red channel, doubled and negated,
// turns Fyne's dark theme into that, light text on the blue bar and the
// red of an error included.
func (x *x11) read() []word {
	x.t.Helper()
	png, big := filepath.Join(x.work, "screen.png"), filepath.Join(x.work, "big.png")
	imp := exec.Command("import", "-window", "root", png)
	imp.Env = append(os.Environ(), "DISPLAY="+x.display)
	if out, err := imp.CombinedOutput(); err != nil {
		x.t.Fatalf("import: %v %s", err, out)
	}
	// +channel: ImageMagick 6 keeps -channel R for -negate, which then
	// turned only red back and left a tinted picture tesseract read as
	// nothing. -threshold: on a grey page of two shades (the window, the
	// screen around it) tesseract 5 found no text at all.
	if out, err := exec.Command("convert", png, "-channel", "R", "-separate", "+channel", "-resize", "200%", "-negate",
		"-threshold", "60%", big).CombinedOutput(); err != nil {
		x.t.Fatalf("convert: %v %s", err, out)
	}
	return ocr(x.t, big, "0")
}

// ocr reads the words of a picture doubled in size; pass tells the lines
// of one reading from another's.
func ocr(t *testing.T, picture, pass string) []word {
	t.Helper()
	out, err := exec.Command("tesseract", picture, "-", "--psm", "11", "tsv").Output()
	if err != nil {
		t.Fatalf("tesseract: %v", err)
	}
	var words []word
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 12 || f[0] != "5" || strings.TrimSpace(f[11]) == "" {
			continue
		}
		n := func(i int) int { v, _ := strconv.Atoi(f[i]); return v / 2 }
		words = append(words, word{text: strings.TrimSpace(f[11]), line: pass + "." + f[2] + "." + f[3] + "." + f[4],
			x: n(6), y: n(7), w: n(8), h: n(9)})
	}
	return words
}

// find looks for phrase (whole words in a row on one line, any case,
// punctuation aside) on the screen and returns its centre.
func find(words []word, phrase string) (int, int, bool) {
	want := strings.Fields(strings.ToLower(phrase))
	for i := range words {
		if matchAt(words, i, want) {
			last := words[i+len(want)-1]
			return (words[i].x + last.x + last.w) / 2, words[i].y + words[i].h/2, true
		}
	}
	return 0, 0, false
}

// count is how many times phrase is among words.
func count(words []word, phrase string) int {
	want := strings.Fields(strings.ToLower(phrase))
	n := 0
	for i := range words {
		if matchAt(words, i, want) {
			n++
		}
	}
	return n
}

// matchAt says whether the words from i on, on one line, are want.
func matchAt(words []word, i int, want []string) bool {
	if len(want) == 0 || i+len(want) > len(words) {
		return false
	}
	for j, w := range want {
		got := words[i+j]
		if got.line != words[i].line || strings.ToLower(strings.Trim(got.text, ".,:;!?\"'()…")) != w {
			return false
		}
	}
	return true
}

// see waits until phrase is on the screen and returns where.
func (x *x11) see(phrase string) (int, int) {
	x.t.Helper()
	px, py, _ := x.seeOn(phrase)
	return px, py
}

// seeOn is see, also returning the screen's words it was found among.
func (x *x11) seeOn(phrase string) (px, py int, screen []word) {
	x.t.Helper()
	var last []word
	x.t.Cleanup(func() {
		if x.t.Failed() && last != nil {
			x.t.Logf("the screen read (looking for %q): %s", phrase, ocrText(last))
			x.shot("failed")
		}
	})
	x.eventually(fmt.Sprintf("%q on the screen", phrase), func() bool {
		var ok bool
		last = x.read()
		px, py, ok = find(last, phrase)
		if ok {
			screen, last = last, nil
		}
		return ok
	})
	return px, py, screen
}

func ocrText(words []word) string {
	var b strings.Builder
	for _, w := range words {
		b.WriteString(w.text + " ")
	}
	return b.String()
}

// gone waits until phrase is no longer on the screen.
func (x *x11) gone(phrase string) {
	x.t.Helper()
	x.eventually(fmt.Sprintf("%q to go away", phrase), func() bool {
		_, _, ok := find(x.read(), phrase)
		return !ok
	})
}

// click clicks on phrase where it is seen.
func (x *x11) click(phrase string) {
	x.t.Helper()
	px, py := x.see(phrase)
	if _, err := x.xdotool("mousemove", strconv.Itoa(px), strconv.Itoa(py), "click", "1"); err != nil {
		x.t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
}

// wheelTo scrolls the step down with the mouse wheel until target is on
// the screen. The pointer rests in the strip the wizard keeps free beside
// its scroll bar, found from the Connect button (a step's right edge):
// over a text field Fyne gives the wheel to the field, which ignores it.
func (x *x11) wheelTo(target string) {
	x.t.Helper()
	words := x.read()
	var right, top int
	for _, w := range words {
		if strings.EqualFold(w.text, "Connect") {
			right, top = w.x+w.w+25, w.y-60
		}
	}
	if right == 0 {
		x.t.Fatalf("no Connect button to find the step's edge by: %s", ocrText(words))
	}
	x.eventually(fmt.Sprintf("%q after scrolling", target), func() bool {
		if _, err := x.xdotool("mousemove", strconv.Itoa(right), strconv.Itoa(top), "click", "--repeat", "6", "--delay", "40", "5"); err != nil {
			x.t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		_, _, ok := find(x.read(), target)
		return ok
	})
}

// shot keeps a screenshot of the window as name.png when asked to.
func (x *x11) shot(name string) {
	if x.shots == "" {
		return
	}
	imp := exec.Command("import", "-window", x.win, filepath.Join(x.shots, name+".png"))
	imp.Env = append(os.Environ(), "DISPLAY="+x.display)
	if out, err := imp.CombinedOutput(); err != nil {
		x.t.Errorf("screenshot %s: %v %s", name, err, out)
	}
}

// browser writes a stand-in browser that approves the sandbox's consent
// page once the file go exists (so the waiting step can be seen first).
func (x *x11) browser() (script, goOn string) {
	x.t.Helper()
	script, goOn = filepath.Join(x.work, "browser"), filepath.Join(x.work, "go")
	body := fmt.Sprintf("#!/bin/sh\nexec >/dev/null 2>&1\nfor i in $(seq 600); do [ -e %q ] && exec curl -sSL --data decision=approve \"$1\"; sleep 0.2; done\n", goOn)
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		x.t.Fatal(err)
	}
	return script, goOn
}

// The add-connection journey from the keyboard alone: Ctrl+N, Tab to the
// sandbox, Enter through the steps, Enter to connect; the waiting step
// shows the time left; Esc closes the wizard.
func TestWizardKeyboardJourneyInARealWindow(t *testing.T) {
	bin, x, config, m := realWindow(t)
	tabs := 0
	for i, p := range m.Catalog().Providers() {
		if p.ID == auth.SandboxID {
			tabs = i
		}
	}
	m.Close()
	browser, goOn := x.browser()
	x.start(bin, config, browser)
	x.see("No connections yet")
	x.key("ctrl+n")
	x.see("Which service do you want to connect")
	x.shot("05-wizard-provider")
	for range tabs {
		x.key("Tab")
	}
	x.key("Return")
	x.see("How do you want to connect to Sandbox")
	x.shot("07-wizard-method")
	x.key("Return")
	x.see("Connection name")
	x.shot("09-wizard-sandbox-fields")
	x.key("Return") // Connect
	x.see("Waiting")
	x.see("Signing in to Sandbox")
	x.shot("10-wizard-waiting")
	if err := os.WriteFile(goOn, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	x.see("is connected")
	x.gone("Signing in to Sandbox")
	x.key("ctrl+n")
	x.see("Which service do you want to connect")
	x.key("Escape")
	x.gone("Which service do you want to connect")
}

// At 800×600, a step scrolled to its bottom: Connect shows the problem
// where the person looks, and Back shows the whole page before it.
func TestWizardScrolledInARealWindow(t *testing.T) {
	needX11(t)
	bin := buildWindow(t)
	x := startX11(t)
	x.start(bin, filepath.Join(x.work, "config"), "true")
	x.see("No connections yet")
	if _, err := x.xdotool("windowsize", x.win, "800", "600"); err != nil {
		t.Fatal(err)
	}
	x.key("ctrl+n")
	x.click("Vinsight")
	x.shot("06-wizard-provider-chosen")
	x.key("Return") // Next
	x.see("How do you want to connect to Vinsight")
	x.key("Return")
	x.see("Client ID")
	x.shot("08-wizard-fields-800x600")
	x.wheelTo("Advanced settings") // the bottom of the step
	x.click("Connect")
	x.see("needs a client ID")
	x.see("Sign in with your Vinsight account") // the heading: the step is whole
	// The field is in view: its label with room for the field under it
	// above the buttons.
	words := x.read()
	_, labelY, ok1 := find(words, "Client ID")
	_, buttonsY, ok2 := find(words, "Cancel")
	if !ok1 || !ok2 || labelY+60 > buttonsY {
		t.Errorf("the Client ID field is not in view: its label at %d, the buttons at %d", labelY, buttonsY)
	}
	x.shot("13-wizard-error-800x600")
	x.wheelTo("Advanced settings")
	x.shot("scrolled")
	x.click("Back")
	x.see("How do you want to connect to Vinsight")
	x.see("Paste an API key") // an option of the page: it is drawn, not blank
	x.key("Escape")
	x.gone("How do you want to connect")
}

// realWindow is how each real-window test begins: X11 and the tools at
// hand, the window built, a private display, and the Manager of the config
// folder the window will open (close it before starting the window).
func realWindow(t *testing.T) (bin string, x *x11, config string, m *auth.Manager) {
	t.Helper()
	needX11(t)
	bin = buildWindow(t)
	x = startX11(t)
	config = filepath.Join(x.work, "config")
	m, err := auth.Open(auth.Options{ConfigDir: config})
	if err != nil {
		t.Fatal(err)
	}
	return bin, x, config, m
}

// displayFree says whether display n can be taken: no lock file, or a lock
// whose server is gone (a killed Xvfb leaves its lock behind; the stale
// lock and socket are removed).
func displayFree(n int) bool {
	lock := fmt.Sprintf("/tmp/.X%d-lock", n)
	sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
	data, err := os.ReadFile(lock)
	if errors.Is(err, os.ErrNotExist) {
		_, err := os.Stat(sock)
		return errors.Is(err, os.ErrNotExist)
	}
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 || syscall.Kill(pid, 0) == nil || !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		return false
	}
	return os.Remove(lock) == nil && (os.Remove(sock) == nil || !fileExists(sock))
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
