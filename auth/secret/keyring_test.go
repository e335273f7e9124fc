package secret

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/zalando/go-keyring"
)

// realKeyring returns a Keyring in a unique namespace on the session's
// Secret Service, or skips when there is none — unless make test demands it.
func realKeyring(t *testing.T) *Keyring {
	t.Helper()
	k := NewKeyring(t.TempDir())
	err := k.Set("probe", "x")
	if err != nil {
		if os.Getenv("AUTHDECK_REQUIRE_KEYRING") == "1" {
			t.Fatalf("a real keyring is required (make test starts one): %v", err)
		}
		t.Skipf("no usable Secret Service keyring: %v", err)
	}
	t.Cleanup(func() { _ = k.Delete("probe") })
	return k
}

func TestKeyringRoundTrip(t *testing.T) {
	k := realKeyring(t)
	if err := k.Set("connection/shop", `{"secret":"s3cr3t"}`); err != nil {
		t.Fatal(err)
	}
	got, err := k.Get("connection/shop")
	if err != nil || got != `{"secret":"s3cr3t"}` {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if err := k.Delete("connection/shop"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get("connection/shop"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
	if err := k.Delete("connection/shop"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete: %v, want ErrNotFound", err)
	}
}

// Two config directories never see each other's secrets.
func TestKeyringNamespaces(t *testing.T) {
	a := realKeyring(t)
	b := NewKeyring(t.TempDir())
	if a.Service == b.Service {
		t.Fatalf("two directories share the service name %q", a.Service)
	}
	if err := a.Set("connection/x", "from-a"); err != nil {
		t.Fatal(err)
	}
	defer a.Delete("connection/x")
	if _, err := b.Get("connection/x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("b sees a's secret: %v", err)
	}
}

// A value larger than the platform allows per item is split and joined
// back; a later, shorter value leaves no stale parts behind.
func TestKeyringChunks(t *testing.T) {
	k := realKeyring(t)
	k.MaxItem = 16
	long := strings.Repeat("0123456789abcdef", 10) + "€uro" // 164 bytes, a multi-byte rune at a boundary
	if err := k.Set("connection/big", long); err != nil {
		t.Fatal(err)
	}
	got, err := k.Get("connection/big")
	if err != nil || got != long {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if _, err := keyring.Get(k.Service, "connection/big#5"); err != nil {
		t.Fatalf("expected a part #5 in the keyring: %v", err)
	}
	if err := k.Set("connection/big", "short"); err != nil {
		t.Fatal(err)
	}
	if got, _ := k.Get("connection/big"); got != "short" {
		t.Fatalf("after overwrite Get = %q", got)
	}
	if _, err := keyring.Get(k.Service, "connection/big#5"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("stale part left behind: %v", err)
	}
	if err := k.Delete("connection/big"); err != nil {
		t.Fatal(err)
	}
}

// Set and Get agree on how many parts a value may have: the most parts Get
// reads back is what Set writes, and a longer value is refused before
// anything is written, as too big (not stored and then read as damaged).
func TestKeyringChunkLimitAgrees(t *testing.T) {
	tooLong := &Keyring{Service: "authdeck:test-limit", MaxItem: 4}
	err := tooLong.Set("connection/huge", strings.Repeat("x", 4*maxChunks+1))
	var kerr *Error
	if !errors.As(err, &kerr) || kerr.Problem != TooBig {
		t.Fatalf("Set of %d parts = %v, want a TooBig keyring error", maxChunks+1, err)
	}
	k := realKeyring(t)
	k.MaxItem = 4
	most := strings.Repeat("y", 4*maxChunks)
	if err := k.Set("connection/most", most); err != nil {
		t.Fatal(err)
	}
	defer k.Delete("connection/most")
	if got, err := k.Get("connection/most"); err != nil || got != most {
		t.Fatalf("Get of %d parts = %d bytes, %v", maxChunks, len(got), err)
	}
}

func TestSplitKeepsRunes(t *testing.T) {
	for _, s := range []string{"", "abc", strings.Repeat("é", 40), strings.Repeat("a€", 33)} {
		parts := split(s, 7)
		if strings.Join(parts, "") != s {
			t.Fatalf("split(%q) does not join back", s)
		}
		for _, p := range parts {
			if len(p) > 7 || !utf8.ValidString(p) {
				t.Fatalf("part %q of %q is too long or cuts a rune", p, s)
			}
		}
	}
}

// With no session bus the error says so at once, instead of go-keyring
// spawning dbus-launch.
func TestKeyringNoBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	k := NewKeyring(t.TempDir())
	start := time.Now()
	_, err := k.Get("connection/x")
	if err == nil || !strings.Contains(err.Error(), "no D-Bus session") || errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want a no-D-Bus error that is not ErrNotFound", err)
	}
	if time.Since(start) > time.Second {
		t.Fatalf("took %s", time.Since(start))
	}
}

// A bus that accepts connections and never answers (a hung keyring) gives
// a clear error within the timeout. godbus keeps one session connection per
// process, so the call runs in a fresh child process.
func TestKeyringHungBus(t *testing.T) {
	if os.Getenv("HUNG_BUS_CHILD") == "1" {
		k := &Keyring{Service: Namespace(t.TempDir()), Timeout: 300 * time.Millisecond}
		start := time.Now()
		err := k.Set("connection/x", "v")
		if err == nil || !strings.Contains(err.Error(), "did not answer within 300ms") {
			t.Fatalf("err = %v, want a timeout in words", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("took %s, want about the timeout", d)
		}
		return
	}
	sock := filepath.Join(t.TempDir(), "bus")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		var held []net.Conn // hold every connection open, say nothing
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKeyringHungBus$", "-test.v")
	cmd.Env = append(os.Environ(), "HUNG_BUS_CHILD=1", "DBUS_SESSION_BUS_ADDRESS=unix:path="+sock)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestKeyringHungBus") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func TestMemory(t *testing.T) {
	m := NewMemory()
	if _, err := m.Get("a"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	_ = m.Set("a", "1")
	if v, err := m.Get("a"); v != "1" || err != nil {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if err := m.Delete("a"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Get("a"); !errors.Is(err, ErrNotFound) || !errors.Is(m.Delete("a"), ErrNotFound) {
		t.Fatal("Delete did not remove the key")
	}
}
