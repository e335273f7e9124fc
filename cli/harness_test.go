package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"authdeck/auth"
	"authdeck/auth/secret"
	"authdeck/internal/fakeclock"
)

// This is the one harness of the command-line tests: a command line runs in
// process through Run, as main runs it, against a config folder, a keyring
// (in memory unless a test asks for the real one), a clock the test moves
// and, when a test gives one, a fake Service in place of the core.

type result struct {
	code           int
	stdout, stderr string
}

// fixture is a config folder with a keyring and a clock.
type fixture struct {
	dir     string
	secrets secret.Store // nil: the OS keyring
	clock   *fakeclock.Clock
	// service, when set, stands in for the core (see Service).
	service Service
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return &fixture{dir: t.TempDir(), secrets: secret.NewMemory(), clock: fakeclock.New(time.Date(2026, 11, 30, 12, 0, 0, 0, time.Local))}
}

func (f *fixture) options() auth.Options {
	o := auth.Options{ConfigDir: f.dir, Secrets: f.secrets}
	if f.clock != nil {
		o.Now, o.OpenBrowser = f.clock.Now, func(string) error { return nil }
	}
	return o
}

func (f *fixture) deps(stdin string, out, errOut *bytes.Buffer) Deps {
	d := Deps{Stdin: strings.NewReader(stdin), Stdout: out, Stderr: errOut, Options: f.options()}
	if f.service != nil {
		d.Open = func(auth.Options) (Service, error) { return f.service, nil }
	}
	return d
}

// run runs one command line through Run, as main does.
func (f *fixture) run(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(args, f.deps(stdin, &out, &errOut))
	return result{code, out.String(), errOut.String()}
}

// run runs one command in process against dir, with the real keyring unless
// secrets is given, and the real clock.
func run(t testing.TB, dir string, secrets secret.Store, stdin string, args ...string) result {
	t.Helper()
	return (&fixture{dir: dir, secrets: secrets}).run(t, stdin, args...)
}

func (f *fixture) manager(t *testing.T) *auth.Manager {
	t.Helper()
	m, err := auth.Open(f.options())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	return m
}

func (f *fixture) add(t *testing.T, req auth.AddRequest) {
	t.Helper()
	if _, err := f.manager(t).Add(context.Background(), req); err != nil {
		t.Fatalf("add %s: %v", req.Name, err)
	}
}

func (f *fixture) days(n int) *time.Time {
	at := f.clock.Now().Add(time.Duration(n) * 24 * time.Hour)
	return &at
}

// testIO is a command's streams, kept for reading.
func testIO(stdin string) (base, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return base{IO: streams{In: strings.NewReader(stdin), Out: &out, Err: &errOut}}, &out, &errOut
}
