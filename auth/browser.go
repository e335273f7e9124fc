package auth

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/pkg/browser"
)

// browserGrace is how long OpenBrowser waits for the system opener to fail
// before assuming the browser is up.
const browserGrace = 1500 * time.Millisecond

// OpenBrowser opens url in $BROWSER when set (split like a shell command,
// the URL appended or put in place of %s), else in the system browser. It
// returns once the browser was started, never waiting for it to exit.
func OpenBrowser(url string) error {
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return fmt.Errorf("refusing to open %q: only http and https addresses are opened", url)
	}
	if cmdline := os.Getenv("BROWSER"); cmdline != "" {
		return startBrowserCommand(cmdline, url)
	}
	// pkg/browser writes the child's output to ours; keep stdout for data.
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	done := make(chan error, 1)
	go func() { done <- browser.OpenURL(url) }() // it may block until the browser exits
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("could not open a browser (%v): open the address yourself, or set BROWSER", err)
		}
	case <-time.After(browserGrace):
	}
	return nil
}

func startBrowserCommand(cmdline, url string) error {
	args, err := splitCommand(cmdline)
	if err != nil || len(args) == 0 {
		return fmt.Errorf("BROWSER=%q cannot be read as a command: fix or unset it", cmdline)
	}
	placed := false
	for i, a := range args[1:] {
		if strings.Contains(a, "%s") {
			args[i+1], placed = strings.ReplaceAll(a, "%s", url), true
		}
	}
	if !placed {
		args = append(args, url)
	}
	cmd := exec.Command(args[0], args[1:]...) // #nosec G204 -- runs the user's own $BROWSER, as documented; the URL is checked to be http(s) and is one argument
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start the browser from BROWSER (%v): fix BROWSER, or open the address yourself", err)
	}
	go func() { _ = cmd.Wait() }() // reap it whenever it exits
	return nil
}

// splitCommand splits a command line the way a POSIX shell splits words:
// single and double quotes and backslash escapes, no expansions.
func splitCommand(s string) ([]string, error) {
	var (
		args    []string
		cur     strings.Builder
		inWord  bool
		quote   rune
		escaped bool
	)
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case quote == '\'':
			if r == '\'' {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case quote == '"':
			switch r {
			case '"':
				quote = 0
			case '\\':
				escaped = true
			default:
				cur.WriteRune(r)
			}
		case r == '\\':
			escaped, inWord = true, true
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				args = append(args, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 || escaped {
		return nil, errors.New("unterminated quote or escape")
	}
	if inWord {
		args = append(args, cur.String())
	}
	return args, nil
}

// OpenAgain opens a sign-in page in the browser once more (the person
// closed the tab while Authdeck waits), the way the sign-in opened it.
func (m *Manager) OpenAgain(url string) (err error) {
	defer classify(&err)
	return m.open(url)
}
