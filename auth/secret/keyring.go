package secret

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// DefaultTimeout bounds every keyring call: an unlock prompt nobody answers
// would otherwise block forever.
const DefaultTimeout = 5 * time.Second

// Keyring is a Store in the OS keyring (Secret Service, macOS Keychain,
// Windows Credential Manager) through go-keyring.
type Keyring struct {
	// Service names this Authdeck's items; Namespace derives it from the
	// config directory so that two directories never share secrets.
	Service string
	Timeout time.Duration
	// MaxItem is the largest value one item may hold; longer values are
	// split across several items. Zero picks the platform's limit.
	MaxItem int
}

// TimeoutEnv overrides DefaultTimeout (a Go duration such as "500ms"), so
// that tests of a hung or locked keyring end quickly. It is read here only.
const TimeoutEnv = "AUTHDECK_KEYRING_TIMEOUT"

// NewKeyring returns the OS keyring store for a config directory.
func NewKeyring(configDir string) *Keyring {
	timeout := DefaultTimeout
	if d, err := time.ParseDuration(os.Getenv(TimeoutEnv)); err == nil && d > 0 {
		timeout = d
	}
	return &Keyring{Service: Namespace(configDir), Timeout: timeout}
}

// Namespace is the keyring service name for a config directory:
// "authdeck:" and a short hash of its absolute path.
func Namespace(configDir string) string {
	abs, err := filepath.Abs(configDir)
	if err != nil {
		abs = configDir
	}
	sum := sha256.Sum256([]byte(abs))
	return "authdeck:" + hex.EncodeToString(sum[:6])
}

// Platform limits on one item (go-keyring's ErrSetDataTooBig): Windows
// Credential Manager refuses blobs over 2560 bytes, the macOS keychain tool
// about 3000 bytes of command line. Secret Service has no practical limit.
func platformMaxItem() int {
	switch runtime.GOOS {
	case "windows":
		return 1200 // stored as UTF-16: 2 bytes per character
	case "darwin":
		return 2000
	default:
		return 1 << 20
	}
}

// chunkPrefix marks an item whose value was split; values Authdeck stores
// are JSON and never start with it.
const chunkPrefix = "authdeck-chunks:"

// maxChunks bounds how many items one value is split into: Set refuses a
// longer value and Get a head that claims more, so what Set writes Get reads.
const maxChunks = 64

// Get returns the secret stored under key, joining split items.
func (k *Keyring) Get(key string) (string, error) {
	head, err := k.call("read", func() (string, error) { return keyring.Get(k.Service, key) })
	if err != nil || !strings.HasPrefix(head, chunkPrefix) {
		return head, err
	}
	n, first, ok := parseChunkHead(head)
	if !ok {
		return "", &Error{Op: "read", Problem: Damaged, Reason: fmt.Sprintf("the keyring item %q is damaged", key)}
	}
	var b strings.Builder
	b.WriteString(first)
	for i := 1; i < n; i++ {
		part, err := k.call("read", func() (string, error) { return keyring.Get(k.Service, chunkKey(key, i)) })
		if err != nil {
			return "", err
		}
		b.WriteString(part)
	}
	return b.String(), nil
}

// Set stores value under key. The parts of a split value are written before
// the head, so a reader never finds a head whose parts are missing.
func (k *Keyring) Set(key, value string) error {
	limit := k.MaxItem
	if limit <= 0 {
		limit = platformMaxItem()
	}
	parts := split(value, limit)
	if len(parts) > maxChunks {
		// Get would refuse what it cannot have written whole: refuse it now.
		return &Error{Op: "write", Problem: TooBig, Reason: fmt.Sprintf("the secret (%d bytes) is larger than this system's keyring holds (%d items of %d bytes)", len(value), maxChunks, limit)}
	}
	old := k.chunkCount(key)
	for i := len(parts) - 1; i >= 1; i-- {
		if _, err := k.call("write", func() (string, error) { return "", keyring.Set(k.Service, chunkKey(key, i), parts[i]) }); err != nil {
			return err
		}
	}
	head := value
	if len(parts) > 1 {
		head = fmt.Sprintf("%s%d\n%s", chunkPrefix, len(parts), parts[0])
	}
	if _, err := k.call("write", func() (string, error) { return "", keyring.Set(k.Service, key, head) }); err != nil {
		return err
	}
	// Parts the previous, longer value left behind: the new value is stored,
	// but fragments of the old secret that stay are worth a word.
	return k.deleteParts(key, max(len(parts), 1), old)
}

// deleteParts removes the parts from..to-1 of key; parts already gone are
// fine, any other failure is reported (fragments of a secret stay behind).
func (k *Keyring) deleteParts(key string, from, to int) error {
	var errs []error
	for i := from; i < to; i++ {
		_, err := k.call("delete", func() (string, error) { return "", keyring.Delete(k.Service, chunkKey(key, i)) })
		if err != nil && !errors.Is(err, ErrNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Delete removes key and any parts it was split into.
func (k *Keyring) Delete(key string) error {
	n := k.chunkCount(key)
	if _, err := k.call("delete", func() (string, error) { return "", keyring.Delete(k.Service, key) }); err != nil {
		return err
	}
	return k.deleteParts(key, 1, n)
}

// chunkCount is how many parts key's value was split into (0 or 1: not
// split). Its failures are not lost: a keyring that cannot be read fails
// the delete that follows, and a head that is not a split value's is one
// whole value.
func (k *Keyring) chunkCount(key string) int {
	head, err := k.call("read", func() (string, error) { return keyring.Get(k.Service, key) })
	if err != nil {
		return 0
	}
	n, _, _ := parseChunkHead(head)
	return n
}

func chunkKey(key string, i int) string { return key + "#" + strconv.Itoa(i) }

func parseChunkHead(head string) (n int, first string, ok bool) {
	rest, found := strings.CutPrefix(head, chunkPrefix)
	if !found {
		return 0, "", false
	}
	count, first, found := strings.Cut(rest, "\n")
	n, err := strconv.Atoi(count)
	if !found || err != nil || n < 2 || n > maxChunks {
		return 0, "", false
	}
	return n, first, true
}

// split cuts s into pieces of at most limit bytes, never inside a UTF-8
// sequence (Windows stores items as UTF-16).
func split(s string, limit int) []string {
	if len(s) <= limit {
		return []string{s}
	}
	var parts []string
	for len(s) > limit {
		cut := limit
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		parts = append(parts, s[:cut])
		s = s[cut:]
	}
	return append(parts, s)
}

// call runs one keyring operation with the timeout and turns its failure into
// words that say what to do.
func (k *Keyring) call(op string, fn func() (string, error)) (string, error) {
	if err := sessionBusMissing(); err != nil {
		return "", err
	}
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	type result struct {
		v   string
		err error
	}
	done := make(chan result, 1)
	// The goroutine outlives a timeout: go-keyring offers no way to cancel.
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, explain(op, r.err)
	case <-time.After(timeout):
		return "", &Error{Op: op, Problem: NoAnswer, After: timeout, Reason: fmt.Sprintf("the keyring did not answer within %s: it may be locked and waiting for its password", timeout)}
	}
}

// Problem is what went wrong with the keyring, as a fact the core
// classifies: only some problems are fixed by starting or unlocking it.
type Problem int

// The keyring's problems.
const (
	Unavailable Problem = iota // not running, or refused the call
	Locked                     // locked, or the unlock prompt was dismissed
	NoAnswer                   // did not answer in time (often a prompt nobody sees)
	Damaged                    // an item Authdeck wrote cannot be read back
	TooBig                     // the value is larger than this system's keyring holds
	NoSession                  // no D-Bus session, so no Secret Service to ask (Linux)
)

// Error is a keyring failure: what happened as a Problem, and in words.
type Error struct {
	Op      string
	Problem Problem
	Reason  string
	After   time.Duration // how long was waited (NoAnswer)
	Err     error
}

func (e *Error) Error() string { return "keyring " + e.Op + " failed: " + e.Reason }

func (e *Error) Unwrap() error { return e.Err }

func explain(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return &Error{Op: op, Problem: TooBig, Err: err, Reason: "the secret is larger than this system's keyring accepts"}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "org.freedesktop.DBus.Error.ServiceUnknown"),
		strings.Contains(msg, "org.freedesktop.secrets was not provided"):
		return &Error{Op: op, Err: err, Reason: "no Secret Service keyring is running"}
	case strings.Contains(strings.ToLower(msg), "locked"), strings.Contains(msg, "dismissed"):
		return &Error{Op: op, Problem: Locked, Err: err, Reason: "the keyring is locked"}
	}
	return &Error{Op: op, Err: err, Reason: msg}
}

// sessionBusMissing reports a missing D-Bus session bus before go-keyring
// would try dbus-launch and leave an orphan daemon behind.
func sessionBusMissing() error {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return nil
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return nil
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "bus")); err == nil { // #nosec G703 -- only tests whether the user's own session bus socket exists
			return nil
		}
	}
	return &Error{Op: "access", Problem: NoSession, Reason: "there is no D-Bus session, so the keyring (Secret Service) cannot be reached"}
}
