package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/sandbox"
	"authdeck/auth/secret"
)

// SandboxID is the built-in demo provider's id.
const SandboxID = "sandbox"

const sandboxKeyItem = "sandbox/signing-key"

// ensureSandbox makes sure the demo provider answers on its port when a
// connection uses it: another Authdeck process may already serve it (the
// sandbox is stateless: its tokens are signed with a key kept in the
// keyring), else this process starts it for as long as the Manager lives.
func (m *Manager) ensureSandbox(ctx context.Context, p catalog.Provider, params map[string]string) error {
	if p.ID != SandboxID {
		return nil
	}
	base, err := p.Expand("http://127.0.0.1:{port}", params)
	if err != nil {
		return err
	}
	m.sandboxMu.Lock()
	defer m.sandboxMu.Unlock()
	if sandboxAnswers(ctx, base) {
		return nil
	}
	key, err := m.sandboxKey()
	if err != nil {
		return err
	}
	_, stop, err := sandbox.New(key, sandbox.Options{Now: m.now}).Listen(base[len("http://"):])
	if err != nil {
		return &Error{Input: InputParam, Param: "port", Remedy: RemedyFixInput, Err: err,
			Msg: fmt.Sprintf("cannot start the demo provider on %s: another program uses that port; add the connection again with another port", base)}
	}
	m.sandboxStop = append(m.sandboxStop, stop)
	return nil
}

func sandboxAnswers(ctx context.Context, base string) bool {
	ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/.well-known/authdeck-sandbox", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// sandboxKey is the demo provider's signing key, made once per config
// directory and kept in the keyring like any secret.
func (m *Manager) sandboxKey() ([]byte, error) {
	v, err := m.secrets.Get(sandboxKeyItem)
	if err == nil {
		if key, err := hex.DecodeString(v); err == nil && len(key) == 32 {
			return key, nil
		}
	} else if !errors.Is(err, secret.ErrNotFound) {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return key, m.secrets.Set(sandboxKeyItem, hex.EncodeToString(key))
}
