//go:build linux

// Package wine runs the Windows build of Authdeck under Wine: the
// command-line program against Windows' credential store as Wine provides
// it, the sandbox sign-in through the loopback callback, and the window.
package wine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"authdeck/internal/standin"
)

// hang bounds every wait: it only catches a hang on a loaded machine.
const hang = 120 * time.Second

// TestWine needs the Windows build (AUTHDECK_WINE_DIST: the folder `make
// package-windows` fills) and wine64, MinGW-w64, Xvfb, xdotool and
// imagemagick: `make test-wine` provides them all.
func TestWine(t *testing.T) {
	dist := os.Getenv("AUTHDECK_WINE_DIST")
	if dist == "" {
		t.Skip("AUTHDECK_WINE_DIST is not set: run make test-wine")
	}
	w := newPrefix(t, dist)

	t.Run("version and providers", func(t *testing.T) {
		meta, err := os.ReadFile("../../FyneApp.toml")
		if err != nil {
			t.Fatal(err)
		}
		version := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"`).FindSubmatch(meta)
		if got := w.run(t, "", "--version"); version == nil || !strings.HasPrefix(got, "authdeck "+string(version[1])) {
			t.Errorf("--version printed %q, want authdeck %s", got, version[1])
		}
		providers := w.run(t, "", "providers")
		for _, id := range []string{"vinsight", "vinli", "vend", "vcita", "sandbox"} {
			if !strings.Contains(providers, "\n"+id+" ") {
				t.Errorf("providers does not list %s:\n%s", id, providers)
			}
		}
	})

	t.Run("a pasted key in Windows' credential store", func(t *testing.T) {
		const key = "wine-key-5d41402abc4b"
		w.run(t, key, "add", "Vinsight winery", "--provider", "vinsight", "--method", "api-key", "--secret-stdin")
		if got := w.run(t, "", "token", "Vinsight winery"); got != key {
			t.Errorf("token printed %q, want the pasted key", got)
		}
		var list []struct{ Name, Provider, Method, Status string }
		raw := w.run(t, "", "list", "--json")
		if err := json.Unmarshal([]byte(raw), &list); err != nil || len(list) != 1 || list[0].Name != "Vinsight winery" || list[0].Status != "ok" {
			t.Errorf("list --json = %s (%v), want the one connection, ok", raw, err)
		}
		if strings.Contains(raw, key) {
			t.Error("list --json shows the secret")
		}
		if creds := w.credentials(t); !strings.Contains(creds, ":connection/Vinsight winery") {
			t.Errorf("Wine's credential store holds no Authdeck entry for the connection:\n%s", creds)
		}
		w.noSecretInFiles(t, key)
		w.run(t, "", "remove", "Vinsight winery")
		if raw := w.run(t, "", "list", "--json"); raw != "[]" {
			t.Errorf("list --json after remove = %s", raw)
		}
		if creds := w.credentials(t); strings.Contains(creds, ":connection/Vinsight winery") {
			t.Errorf("remove left the secret in Wine's credential store:\n%s", creds)
		}
	})

	t.Run("a token header", func(t *testing.T) {
		w.run(t, "wine-token-1", "add", "Vend till", "--provider", "vend", "--method", "token", "--param", "domain_prefix=till", "--secret-stdin")
		if got := w.run(t, "", "header", "Vend till"); got != "Authorization: Bearer wine-token-1" {
			t.Errorf("header printed %q", got)
		}
	})

	t.Run("sandbox sign-in through the loopback callback", func(t *testing.T) {
		port := standin.FreePort(t)
		w.run(t, "", "add", "Sandbox demo", "--provider", "sandbox", "--method", "oauth", "--param", "port="+port)
		// $BROWSER is a Windows program here: the stand-in browser, built
		// for Windows, approves the consent page and follows the redirect.
		w.env = append(w.env, "BROWSER="+w.browser)
		w.run(t, "", "connect", "Sandbox demo")
		w.env = w.env[:len(w.env)-1]
		if got := w.run(t, "", "check", "Sandbox demo"); !strings.HasPrefix(got, "OK") {
			t.Errorf("check after the sign-in printed %q", got)
		}
		if got := w.run(t, "", "header", "Sandbox demo"); !strings.HasPrefix(got, "Authorization: Bearer sba_") {
			t.Errorf("header after the sign-in printed %q", got)
		}
	})

	t.Run("the window", func(t *testing.T) { w.window(t, dist) })
}

// prefix is a throw-away Wine prefix with Authdeck's Windows build.
type prefix struct {
	dir     string   // WINEPREFIX
	exe     string   // authdeck.exe
	browser string   // the stand-in browser, as a Windows path
	env     []string // for every wine command
	config  string   // Authdeck's folder in the prefix (%APPDATA%\authdeck)
}

func newPrefix(t *testing.T, dist string) *prefix {
	for _, tool := range []string{"wine", "wineboot", "wineserver", "x86_64-w64-mingw32-gcc"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: make test-wine installs wine, wine64 and gcc-mingw-w64-x86-64", tool)
		}
	}
	tmp := t.TempDir()
	w := &prefix{dir: filepath.Join(tmp, "prefix"), exe: filepath.Join(dist, "authdeck.exe")}
	// No Mono or Gecko download prompts, no debug noise, no display: the
	// command-line checks run without one (see window for why it matters).
	w.env = append(withoutDisplay(os.Environ()), "WINEPREFIX="+w.dir, "WINEDEBUG=-all",
		"WINEDLLOVERRIDES=mscoree,mshtml=", "WINEARCH=win64", "LANG=en_US.UTF-8")
	t.Cleanup(func() { w.kill() })
	start := time.Now()
	mustRun(t, w.env, "", "wineboot", "-i")
	t.Logf("Wine prefix made in %v", time.Since(start).Round(time.Second))

	// Go ≥ 1.22 needs ProcessPrng (bcryptprimitives.dll), which Wine 8 lacks.
	dll := filepath.Join(w.dir, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	mustRun(t, nil, "", "x86_64-w64-mingw32-gcc", "-O2", "-shared", "-s", "-o", dll, filepath.Join("dll", "bcryptprimitives.c"), "-ladvapi32")
	browser := filepath.Join(tmp, "browser.exe")
	mustRun(t, append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0"), "", "go", "build", "-o", browser, "./browser")
	w.browser = "Z:" + filepath.ToSlash(browser) // Wine maps / to Z:
	user := os.Getenv("USER")
	if user == "" {
		user = "root"
	}
	w.config = filepath.Join(w.dir, "drive_c", "users", user, "AppData", "Roaming", "authdeck")
	return w
}

// run runs authdeck.exe under Wine and returns its standard output.
func (w *prefix) run(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command("wine", append([]string{w.exe}, args...)...)
	cmd.Env, cmd.Stdin = w.env, strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	done := timeout(cmd)
	out, err := cmd.Output()
	done()
	if err != nil {
		t.Fatalf("wine authdeck.exe %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(strings.ReplaceAll(string(out), "\r\n", "\n"))
}

// credentials lists Wine's credential store (the registry key where Wine
// keeps what CredWrite stores).
func (w *prefix) credentials(t *testing.T) string {
	t.Helper()
	return mustRun(t, w.env, "", "wine", "reg", "query", `HKCU\Software\Wine\Credential Manager`)
}

// noSecretInFiles checks that the secret is nowhere in Authdeck's folder.
func (w *prefix) noSecretInFiles(t *testing.T, secret string) {
	t.Helper()
	n := 0
	err := filepath.Walk(w.config, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		n++
		b, err := os.ReadFile(path)
		if err == nil && bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s holds the secret", path)
		}
		return err
	})
	if err != nil || n == 0 {
		t.Errorf("Authdeck's folder %s was not found or is empty (%v): the Windows paths are wrong", w.config, err)
	}
}

// window opens the window under Xvfb through authdeck.exe, waits for it
// to be mapped and its list drawn, and keeps a screenshot
// (AUTHDECK_WINE_SHOT).
func (w *prefix) window(t *testing.T, dist string) {
	t.Helper()
	// A wineserver started by a command without DISPLAY keeps later windows
	// off-screen: end it before the first command with one.
	w.kill()
	display := "DISPLAY=" + startXvfb(t)
	env := append(w.env, display)
	x := func(name string, args ...string) *exec.Cmd {
		c := exec.Command(name, args...)
		c.Env = append(os.Environ(), display)
		return c
	}
	// authdeck.exe without arguments starts authdeck-window.exe from beside
	// itself, as a double-click or a Start-menu entry would.
	cmd := exec.Command("wine", filepath.Join(dist, "authdeck.exe"))
	var log bytes.Buffer
	cmd.Env, cmd.Stdout, cmd.Stderr = env, &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		w.kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("window log:\n%s", log.String())
		}
	}()
	var id string
	poll(t, "the Authdeck window under Wine", func() bool {
		out, _ := x("xdotool", "search", "--onlyvisible", "--name", "^Authdeck$").Output()
		id = strings.TrimSpace(string(out))
		return id != ""
	})
	shot := os.Getenv("AUTHDECK_WINE_SHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "wine-window.png")
	}
	// Mapped comes before drawn, and the list is read in the background:
	// poll until the list shows the connections and has stopped changing.
	var last []byte
	same := 0
	poll(t, "the window's list of connections", func() bool {
		if _, err := x("import", "-window", strings.Fields(id)[0], shot).CombinedOutput(); err != nil {
			return false
		}
		b, _ := os.ReadFile(shot)
		if listDrawn(shot) && bytes.Equal(b, last) {
			same++
		} else {
			same = 0
		}
		last = b
		return same >= 3
	})
	t.Logf("screenshot of the window under Wine: %s", shot)
}

// listDrawn reports whether the list pane of the screenshot at path shows
// rows: an empty list is one flat colour.
func listDrawn(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return false
	}
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	// The first rows of the list: below the toolbar, left of the divider.
	for y := b.Min.Y + 100; y < b.Min.Y+180 && y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Min.X+420 && x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r >> 8, g >> 8, bl >> 8, a >> 8}] = true
		}
	}
	return len(seen) > 20
}

func (w *prefix) kill() {
	cmd := exec.Command("wineserver", "-k")
	cmd.Env = w.env
	_ = cmd.Run()
}

// timeout kills cmd's process if it runs longer than hang (a hung Wine).
func timeout(cmd *exec.Cmd) func() {
	stop := make(chan struct{})
	go func() {
		select {
		case <-stop:
		case <-time.After(hang):
			if cmd.Process != nil {
				_ = cmd.Process.Kill()
			}
		}
	}()
	return func() { close(stop) }
}

func mustRun(t *testing.T, env []string, stdin string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env, cmd.Stdin = env, strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	done := timeout(cmd)
	out, err := cmd.Output()
	done()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func withoutDisplay(env []string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, "DISPLAY=") && !strings.HasPrefix(e, "WAYLAND_DISPLAY=") {
			out = append(out, e)
		}
	}
	return out
}

func poll(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(hang)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", hang, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// startXvfb starts a private X server and returns its display.
func startXvfb(t *testing.T) string {
	t.Helper()
	r, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{pw}
	if err := cmd.Start(); err != nil {
		t.Fatalf("Xvfb: %v (install xvfb)", err)
	}
	pw.Close()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	buf := make([]byte, 16)
	n, err := r.Read(buf)
	if err != nil {
		t.Fatalf("Xvfb did not say its display: %v", err)
	}
	return fmt.Sprintf(":%s", strings.TrimSpace(string(buf[:n])))
}
