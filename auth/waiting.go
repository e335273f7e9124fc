package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"authdeck/auth/filelock"
	"authdeck/auth/private"
	"authdeck/auth/sanitize"
	"authdeck/auth/store"
)

// ErrSignInWaiting is matched by errors.Is when a connection's sign-in is
// already waiting for its answer, in this process or another: a second one
// would open a second browser tab whose answer could not both be used.
var ErrSignInWaiting = errors.New("a sign-in is already waiting")

// waitingSignIn is what a waiting sign-in says about itself in the config
// folder's locks/: no secret, only where it is.
type waitingSignIn struct {
	PID         int       `json:"pid"`
	RedirectURI string    `json:"redirect_uri,omitempty"`
	Since       time.Time `json:"since"`
}

// claimSignIn takes the connection's sign-in lock, held for as long as the
// sign-in waits (the system releases it if the process dies). It returns the
// Listening hook that records where the answer is expected, and release.
func (m *Manager) claimSignIn(ctx context.Context, name string, listening func(string, string)) (func(string, string), func(), error) {
	sum := sha256.Sum256([]byte(name))
	base := filepath.Join(m.dir, "locks", "signin-"+hex.EncodeToString(sum[:8]))
	_ = os.MkdirAll(filepath.Dir(base), 0o700)
	now, cancel := context.WithCancel(ctx)
	cancel() // try once, never wait
	lock, err := filelock.Acquire(now, base+".lock")
	if err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() == nil {
			return nil, nil, m.signInWaiting(name, base+".json")
		}
		return nil, nil, err
	}
	since := m.now()
	record := func(redirectURI, authorizeURL string) {
		data, _ := json.Marshal(waitingSignIn{PID: os.Getpid(), RedirectURI: redirectURI, Since: since})
		_ = store.WriteFile(base+".json", data)
		if listening != nil {
			listening(redirectURI, authorizeURL)
		}
	}
	release := func() {
		_ = os.Remove(base + ".json")
		lock.Unlock()
	}
	return record, release, nil
}

// signInWaiting says which process waits and where its answer comes back.
func (m *Manager) signInWaiting(name, marker string) error {
	where := "in another Authdeck window or terminal"
	if data, err := private.ReadFile(marker, 4<<10); err == nil {
		var w waitingSignIn
		if json.Unmarshal(data, &w) == nil && w.PID > 0 {
			where = fmt.Sprintf("in process %d since %s", w.PID, w.Since.Local().Format("15:04"))
			if w.RedirectURI != "" {
				where += ", its answer coming back to " + sanitize.Line(w.RedirectURI)
			}
		}
	}
	return &Error{Connection: name, Err: ErrSignInWaiting,
		Msg: fmt.Sprintf("a sign-in of %q is already waiting (%s): finish it in the browser tab it opened, or cancel it there, before starting another", name, where)}
}
