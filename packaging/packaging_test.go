// Package packaging holds the files that turn the build into the Linux bundle
// (package.sh, the bundle's Makefile) and the test that installs the bundle.
package packaging

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"authdeck/cli"
)

// TestPackage unpacks the bundle that `make package` built, installs it the
// two documented ways (default ~/.local, and PREFIX=…), runs the installed
// binary and reads its desktop entry. `make test-package` (part of make test)
// sets AUTHDECK_PACKAGE; a plain `go test ./...` skips it.
func TestPackage(t *testing.T) {
	bundle := os.Getenv("AUTHDECK_PACKAGE")
	if bundle == "" {
		t.Skip("AUTHDECK_PACKAGE is not set: run make test-package")
	}
	metadata, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	wantVersion := "authdeck " + cli.VersionFromMetadata(string(metadata)) + "\n"

	tmp := t.TempDir()
	unpacked := filepath.Join(tmp, "unpacked")
	mustRun(t, "", nil, "mkdir", unpacked)
	mustRun(t, "", nil, "tar", "-xJf", bundle, "-C", unpacked)
	tops, _ := filepath.Glob(filepath.Join(unpacked, "*"))
	if len(tops) != 1 {
		t.Fatalf("the bundle should hold one folder, holds %v", tops)
	}
	dir := tops[0]

	home := filepath.Join(tmp, "home")
	env := []string{"HOME=" + home, "AUTHDECK_CONFIG_DIR=" + filepath.Join(tmp, "config")}
	cases := []struct {
		name   string
		args   []string
		prefix string
	}{
		{"default, for one user", nil, filepath.Join(home, ".local")},
		{"system-wide PREFIX", []string{"PREFIX=" + filepath.Join(tmp, "usr", "local")}, filepath.Join(tmp, "usr", "local")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mustRun(t, dir, env, "make", append([]string{"--no-print-directory", "install"}, tc.args...)...)
			exe := filepath.Join(tc.prefix, "bin", "authdeck")

			if got := mustRun(t, "", env, exe, "--version"); got != wantVersion {
				t.Errorf("authdeck --version printed %q, want %q (from FyneApp.toml)", got, wantVersion)
			}
			providers := mustRun(t, "", env, exe, "providers")
			for _, id := range []string{"vinsight", "vinli", "vend", "vcita", "sandbox"} {
				if !strings.Contains(providers, "\n"+id+" ") {
					t.Errorf("authdeck providers does not list %s:\n%s", id, providers)
				}
			}

			// The window program is installed beside authdeck, and the menu
			// entry starts it directly. Without a display it says so.
			window := filepath.Join(tc.prefix, "bin", "authdeck-window")
			cmd := exec.Command(window)
			cmd.Env = append(withoutDisplay(os.Environ()), env...)
			if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "display") {
				t.Errorf("authdeck-window without a display: %v, %q; want it to say there is no display", err, out)
			}

			entryPath := filepath.Join(tc.prefix, "share", "applications", "net.authdeck.app.desktop")
			entry := desktopEntry(t, entryPath)
			want := map[string]string{
				"Type": "Application", "Name": "Authdeck", "Exec": window,
				"Icon": "net.authdeck.app", "Categories": "Development;Security;",
			}
			for key, value := range want {
				if entry[key] != value {
					t.Errorf("desktop entry %s=%q, want %q", key, entry[key], value)
				}
			}
			if _, err := exec.LookPath("desktop-file-validate"); err == nil {
				mustRun(t, "", nil, "desktop-file-validate", entryPath)
			}

			icon := filepath.Join(tc.prefix, "share", "icons", "hicolor", "512x512", "apps", "net.authdeck.app.png")
			if f, err := os.Open(icon); err != nil {
				t.Errorf("icon not installed: %v", err)
			} else {
				cfg, err := png.DecodeConfig(f)
				f.Close()
				if err != nil || cfg.Width != 512 || cfg.Height != 512 {
					t.Errorf("icon %s: %dx%d, %v; want a 512x512 PNG", icon, cfg.Width, cfg.Height, err)
				}
			}
			for _, c := range []string{
				"share/bash-completion/completions/authdeck",
				"share/zsh/site-functions/_authdeck",
				"share/fish/vendor_completions.d/authdeck.fish",
			} {
				data, err := os.ReadFile(filepath.Join(tc.prefix, c))
				if err != nil || !bytes.Contains(data, []byte("authdeck")) {
					t.Errorf("completion %s not installed or empty: %v", c, err)
				}
			}

			mustRun(t, dir, env, "make", append([]string{"--no-print-directory", "uninstall"}, tc.args...)...)
			var left []string
			_ = filepath.WalkDir(tc.prefix, func(path string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() && !strings.HasSuffix(path, ".cache") {
					left = append(left, path)
				}
				return nil
			})
			if len(left) > 0 {
				t.Errorf("make uninstall left files behind: %v", left)
			}
		})
	}
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

// mustRun runs a program and returns its standard output; extra is added to
// the environment.
func mustRun(t *testing.T, dir string, extra []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), extra...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// desktopEntry reads the [Desktop Entry] group of a .desktop file.
func desktopEntry(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("desktop entry not installed: %v", err)
	}
	entry := map[string]string{}
	group := ""
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			group = line
			continue
		}
		if key, value, ok := strings.Cut(line, "="); ok && group == "[Desktop Entry]" {
			entry[key] = value
		}
	}
	return entry
}
