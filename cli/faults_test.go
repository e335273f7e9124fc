package cli

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"authdeck/auth/secret"
	"authdeck/auth/store"
	"authdeck/internal/secrettest"
)

// Fault injection with real CLI processes: kill -9 at random moments, a
// keyring that is missing, hung or locked, and a metadata file from a newer
// Authdeck.

// cliProcess is the test binary acting as `authdeck` on dir.
func cliProcess(dir string, env []string, stdin string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "AUTHDECK_CLI_CHILD=1", "AUTHDECK_CONFIG_DIR="+dir)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader(stdin)
	return cmd
}

// storedState is what the config directory stores: readTree without the
// lock files, which exist (empty) once anything has been locked.
func storedState(t *testing.T, dir string) string {
	t.Helper()
	var kept []string
	for _, part := range strings.Split(readTree(t, dir), "\n") {
		if !strings.HasSuffix(part, ".lock") {
			kept = append(kept, part)
		}
	}
	return strings.Join(kept, "\n")
}

// runProcess runs one CLI process to its end.
func runProcess(t *testing.T, dir string, env []string, stdin string, args ...string) result {
	t.Helper()
	cmd := cliProcess(dir, env, stdin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("start %v: %v", args, err)
	}
	return result{code, out.String(), errOut.String()}
}

// listed returns `list --json` as name → status; the store must load.
func listed(t *testing.T, dir string, secrets secret.Store) map[string]string {
	t.Helper()
	r := run(t, dir, secrets, "", "list", "--json")
	if r.code != 0 {
		t.Fatalf("the store no longer loads: %+v", r)
	}
	var items []struct{ Name, Status string }
	if err := json.Unmarshal([]byte(r.stdout), &items); err != nil {
		t.Fatalf("list --json is not JSON (%v): %s", err, r.stdout)
	}
	out := map[string]string{}
	for _, it := range items {
		out[it.Name] = it.Status
	}
	return out
}

// sandboxClientID reads the client id a sandbox access token was issued to.
func sandboxClientID(tok string) string {
	payload, _, _ := strings.Cut(strings.TrimPrefix(tok, "sba_"), ".")
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return ""
	}
	var c struct {
		ClientID string `json:"cid"`
	}
	_ = json.Unmarshal(raw, &c)
	return c.ClientID
}

// sandboxSigned reports whether tok carries the signature of startSandbox's
// key. (Whether the provider still accepts it is another matter: a refresh
// killed after the provider rotated leaves a token it has revoked.)
func sandboxSigned(tok string) bool {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i * 7)
	}
	payload, sig, ok := strings.Cut(strings.TrimPrefix(tok, "sba_"), ".")
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(payload))
	got, err := base64.RawURLEncoding.DecodeString(sig)
	return ok && err == nil && hmac.Equal(got, mac.Sum(nil))
}

// assertUsableHandOutOwnSecret: every connection listed as usable hands out
// its own secret — a pasted token "secret-for-NAME", or a genuine sandbox
// token issued to client "cid-NAME".
func assertUsableHandOutOwnSecret(t *testing.T, dir string) {
	t.Helper()
	for name, status := range listed(t, dir, nil) {
		if status != "ok" && status != "expiring" {
			continue
		}
		r := run(t, dir, nil, "", "token", name)
		if r.code != 0 {
			t.Fatalf("%s is listed as %s but hands out nothing: %+v", name, status, r)
		}
		tok := strings.TrimSpace(r.stdout)
		if strings.HasPrefix(name, "tok-") {
			if tok != "secret-for-"+name {
				t.Fatalf("%s hands out %q", name, tok)
			}
			continue
		}
		if cid := sandboxClientID(tok); cid != "cid-"+name || !sandboxSigned(tok) {
			t.Fatalf("%s hands out %q, not a sandbox token issued to cid-%s", name, tok, name)
		}
	}
}

// kill -9 of real CLI processes at random moments of add, connect, refresh
// and remove: afterwards the store always loads and every connection listed
// as usable hands out its own correct secret. Bounded: 20 kills.
func TestKill9AtRandomPoints(t *testing.T) {
	requireKeyring(t)
	dir := t.TempDir()
	port, _ := startSandbox(t, dir)
	browser := writeBrowser(t, "approve")
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	names := []string{"tok-a", "tok-b", "oa-a", "oa-b"}
	oauthNames := names[2:]
	p := "port=" + port
	ops := map[string]int{}
	for i := range 20 {
		op := []string{"add", "connect", "refresh", "remove"}[rng.IntN(4)]
		name := names[rng.IntN(len(names))]
		var args []string
		stdin := ""
		switch op {
		case "add":
			if strings.HasPrefix(name, "tok-") {
				args, stdin = []string{"add", name, "--provider", "sandbox", "--method", "token", "--param", p, "--secret-stdin"}, "secret-for-"+name
			} else {
				args = []string{"add", name, "--provider", "sandbox", "--param", p, "--client-id", "cid-" + name}
			}
		case "connect":
			name = oauthNames[rng.IntN(2)]
			args = []string{"connect", name, "--timeout", "10s"}
		case "refresh":
			name = oauthNames[rng.IntN(2)]
			args = []string{"refresh", name}
		case "remove":
			args = []string{"remove", name}
		}
		cmd := cliProcess(dir, []string{"BROWSER=" + browser}, stdin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.IntN(250)) * time.Millisecond
		time.Sleep(delay)
		_ = cmd.Process.Kill() // SIGKILL: no deferred function, no cleanup runs
		err := cmd.Wait()
		killed := err != nil && strings.Contains(err.Error(), "killed")
		if killed {
			ops[op]++
		}
		t.Logf("%2d: %s %s, kill after %s (killed: %v)", i, op, name, delay, killed)
		assertUsableHandOutOwnSecret(t, dir)
	}
	t.Logf("processes killed mid-operation: %v", ops)
	// Whatever the kills left, every connection can still be removed, and
	// then nothing of it remains in the keyring.
	for _, name := range names {
		_ = run(t, dir, nil, "", "remove", name)
	}
	if l := listed(t, dir, nil); len(l) != 0 {
		t.Fatalf("left after removing everything: %v", l)
	}
	for _, name := range names {
		if _, err := secret.NewKeyring(dir).Get(store.Connection{Name: name}.SecretKey()); !errors.Is(err, secret.ErrNotFound) {
			t.Errorf("the secret of %s is still in the keyring: %v", name, err)
		}
	}
}

// hungBus is a unix socket that accepts connections and never answers: a
// keyring daemon that hangs.
func hungBus(t *testing.T) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "bus")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range held {
			c.Close()
		}
	})
	return "unix:path=" + sock
}

// A keyring that is missing (no D-Bus session) or hung (a bus that never
// answers), for real processes: each command that needs a secret fails
// within the keyring timeout, exits non-zero with words that say what to
// do, and nothing is half-written: no new metadata, the existing
// connection still listed and usable with its secret.
func TestKeyringMissingOrHungProcesses(t *testing.T) {
	requireKeyring(t)
	dir := t.TempDir()
	if r := run(t, dir, nil, "secret-for-tok-old", "add", "tok-old", "--provider", "vend", "--method", "token", "--param", "domain_prefix=shop", "--secret-stdin"); r.code != 0 {
		t.Fatalf("setup: %+v", r)
	}
	envs := map[string][]string{
		"missing": {"DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR=" + t.TempDir()},
		"hung":    {"DBUS_SESSION_BUS_ADDRESS=" + hungBus(t), "AUTHDECK_KEYRING_TIMEOUT=300ms"},
	}
	words := map[string]string{"missing": "no D-Bus session", "hung": "did not answer within 300ms"}
	for _, mode := range []string{"missing", "hung"} {
		for _, tc := range []struct {
			stdin string
			args  []string
		}{
			{"secret-for-tok-new", []string{"add", "tok-new", "--provider", "vend", "--method", "token", "--param", "domain_prefix=shop", "--secret-stdin"}},
			{"", []string{"token", "tok-old"}},
			{"", []string{"header", "tok-old"}},
			{"", []string{"remove", "tok-old"}},
		} {
			t.Run(mode+"/"+tc.args[0], func(t *testing.T) {
				before := storedState(t, dir)
				// The bound is the keyring timeout plus what starting the
				// program costs right now (a command without the keyring,
				// timed in the same run): a busy machine slows both alike.
				start := time.Now()
				runProcess(t, dir, envs[mode], "", "list")
				limit := 300*time.Millisecond + 3*time.Since(start) + 2*time.Second
				start = time.Now()
				r := runProcess(t, dir, envs[mode], tc.stdin, tc.args...)
				if d := time.Since(start); d > limit {
					t.Errorf("took %s (limit %s: the keyring timeout and three program start-ups measured just before)", d, limit)
				}
				if r.code == 0 || r.stdout != "" || !strings.HasPrefix(r.stderr, "authdeck: keyring") || !strings.Contains(r.stderr, words[mode]) {
					t.Fatalf("exit %d, stdout %q, stderr %q; want a keyring error mentioning %q", r.code, r.stdout, r.stderr, words[mode])
				}
				if after := storedState(t, dir); after != before {
					t.Errorf("the config directory changed:\n%s\n---\n%s", before, after)
				}
				if l := listed(t, dir, nil); len(l) != 1 || l["tok-old"] != "ok" {
					t.Fatalf("after the failure: %v", l)
				}
				if _, err := secret.NewKeyring(dir).Get("connection/tok-new"); !errors.Is(err, secret.ErrNotFound) {
					t.Fatalf("a secret without metadata: %v", err)
				}
				assertUsableHandOutOwnSecret(t, dir)
			})
		}
	}
}

// lockedKeyring refuses everything, as a locked collection whose unlock
// prompt is dismissed does.
type lockedKeyring struct{}

var errKeyringLocked = &secret.Error{Op: "access", Problem: secret.Locked, Reason: "the keyring is locked"}

func (lockedKeyring) Get(string) (string, error) { return "", errKeyringLocked }
func (lockedKeyring) Set(string, string) error   { return errKeyringLocked }
func (lockedKeyring) Delete(string) error        { return errKeyringLocked }

// A locked keyring through the CLI: a clear error, non-zero exit, nothing
// stored or removed.
func TestKeyringLockedCLI(t *testing.T) {
	dir := t.TempDir()
	mem := secrettest.NewMemory()
	if r := run(t, dir, mem, "secret-for-tok-old", "add", "tok-old", "--provider", "vend", "--method", "token", "--param", "domain_prefix=shop", "--secret-stdin"); r.code != 0 {
		t.Fatalf("setup: %+v", r)
	}
	for _, args := range [][]string{
		{"add", "tok-new", "--provider", "vend", "--method", "token", "--param", "domain_prefix=shop", "--secret-stdin"},
		{"token", "tok-old"}, {"curl", "tok-old"}, {"remove", "tok-old"},
	} {
		before := storedState(t, dir)
		r := run(t, dir, lockedKeyring{}, "secret-for-tok-new", args...)
		if r.code == 0 || r.stdout != "" || !strings.Contains(r.stderr, "authdeck: keyring") || !strings.Contains(r.stderr, "unlock it") {
			t.Fatalf("%v: %+v", args, r)
		}
		if storedState(t, dir) != before {
			t.Fatalf("%v changed the config directory", args)
		}
	}
	if l := listed(t, dir, mem); len(l) != 1 || l["tok-old"] != "ok" {
		t.Fatalf("after the failures: %v", l)
	}
	if keys := mem.Keys(); len(keys) != 1 {
		t.Fatalf("keyring items: %v", keys)
	}
}

// A metadata file from a newer Authdeck (format 2) is refused by every
// command, in processes, and never overwritten. Format 1 is the first
// Authdeck wrote: a file without a version (0) is not Authdeck's and is
// refused the same way, so there is nothing to migrate yet.
func TestMetadataVersionsCLI(t *testing.T) {
	for _, tc := range []struct{ content, want string }{
		{`{"version": 2, "connections": [{"name":"shop","provider":"vend","method":"token","new_field":1}]}`, "newer Authdeck"},
		{`{"version": 0, "connections": []}`, "no format version"},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, store.FileName)
		if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"list"}, {"status"}, {"add", "x", "--provider", "vend", "--method", "token", "--param", "domain_prefix=shop", "--secret-stdin"},
			{"remove", "shop"}, {"refresh", "shop"}, {"expires", "shop", "none"},
		} {
			r := runProcess(t, dir, nil, "t", args...)
			if r.code == 0 || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("%v: exit %d, stderr %q; want a refusal mentioning %q", args, r.code, r.stderr, tc.want)
			}
		}
		if got, _ := os.ReadFile(path); string(got) != tc.content {
			t.Fatalf("the file was overwritten: %s", got)
		}
	}
}
