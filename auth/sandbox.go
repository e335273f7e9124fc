package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"strings"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/sandbox"
	"authdeck/auth/secret"
)

// SandboxID is the built-in demo provider's id.
const SandboxID = "sandbox"

const sandboxKeyItem = "sandbox/signing-key"

// ErrSandboxRunning is matched by errors.Is when ServeSandbox finds this
// config folder's demo provider already served by another process.
var ErrSandboxRunning = errors.New("the demo provider is already running")

// ensureSandbox makes sure this config folder's demo provider answers for a
// sandbox connection. Another Authdeck process of the same folder may serve
// it already (the sandbox is stateless: its tokens are signed with a key kept
// in the keyring). If the connection's port is held by something else — the
// sandbox of another config folder, or another program — this process
// serves its own on a free port and the connection uses that port for as
// long as the Manager lives; what is stored does not change.
func (m *Manager) ensureSandbox(ctx context.Context, cn conn) (conn, error) {
	if cn.p.ID != SandboxID {
		return cn, nil
	}
	addr, err := sandboxAddr(cn.p, cn.Params)
	if err != nil {
		return cn, err
	}
	m.sandboxMu.Lock()
	defer m.sandboxMu.Unlock()
	key, err := m.sandboxKey()
	if err != nil {
		return cn, err
	}
	if held, ok := m.sandboxOwn[addr]; ok {
		return withPort(cn, held), nil
	}
	switch sandboxAt(ctx, addr, key) {
	case sandboxOurs:
		return cn, nil // ours, served by another process of this folder
	case sandboxNone:
		if _, stop, err := sandbox.New(key, sandbox.Options{Now: m.now}).Listen(addr); err == nil {
			m.sandboxStop = append(m.sandboxStop, stop)
			return cn, nil
		}
	}
	base, stop, err := sandbox.New(key, sandbox.Options{Now: m.now}).Listen("127.0.0.1:0")
	if err != nil {
		return cn, &Error{Remedy: RemedyRetry, Err: err, Msg: "cannot start the demo provider"}
	}
	m.sandboxStop = append(m.sandboxStop, stop)
	_, port, _ := net.SplitHostPort(base[len("http://"):])
	m.sandboxOwn[addr] = port
	return withPort(cn, port), nil
}

// sandboxAddr is the loopback address the sandbox's definition names.
func sandboxAddr(p catalog.Provider, params map[string]string) (string, error) {
	base, err := p.Expand("http://127.0.0.1:{port}", params)
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(base, "http://"), nil
}

func withPort(cn conn, port string) conn {
	cn.Params = maps.Clone(cn.Params)
	if cn.Params == nil {
		cn.Params = map[string]string{}
	}
	cn.Params["port"] = port
	return cn
}

// Who answers at a sandbox's address.
const (
	sandboxNone  = iota // nothing listens
	sandboxOurs         // this folder's sandbox, served by another process
	sandboxOther        // anything else: another folder's sandbox, a stand-in, another program
)

// sandboxAt says who answers at addr. Ours must prove it holds key by
// answering a fresh random challenge (sandbox.Proof): an answer copied from
// an earlier run proves nothing.
func sandboxAt(ctx context.Context, addr string, key []byte) int {
	ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	nonce := make([]byte, 32)
	_, _ = rand.Read(nonce)
	challenge := hex.EncodeToString(nonce)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/.well-known/authdeck-sandbox?challenge="+challenge, nil)
	if err != nil {
		return sandboxNone
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var refused *net.OpError
		if errors.As(err, &refused) && refused.Op == "dial" {
			return sandboxNone
		}
		return sandboxOther
	}
	defer resp.Body.Close()
	var answer struct {
		Sandbox bool   `json:"authdeck_sandbox"`
		Proof   string `json:"proof"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 4<<10)).Decode(&answer) != nil || !answer.Sandbox ||
		!hmac.Equal([]byte(answer.Proof), []byte(sandbox.Proof(key, challenge))) {
		return sandboxOther
	}
	return sandboxOurs
}

// ServeSandbox runs this config folder's demo provider in the foreground on
// port ("" → the catalog's default) until ctx ends, so that the commands a
// person copies (curl, HTTPie) reach it from any shell. ready is called with
// its address once it listens.
func (demo *Sandbox) ServeSandbox(ctx context.Context, port string, ready func(baseURL string)) (err error) {
	defer classify(&err)
	m := demo.m
	p, err := m.Catalog().Provider(SandboxID)
	if err != nil {
		return err
	}
	params := map[string]string{}
	if port != "" {
		if err := catalog.CheckParamValue("port", port); err != nil {
			return &Error{Input: InputParam, Param: "port", Remedy: RemedyFixInput, Err: err}
		}
		params["port"] = port
	}
	addr, err := sandboxAddr(p, params)
	if err != nil {
		return err
	}
	key, err := m.sandboxKey()
	if err != nil {
		return err
	}
	switch sandboxAt(ctx, addr, key) {
	case sandboxOurs:
		return &Error{Err: ErrSandboxRunning, Msg: fmt.Sprintf("this folder's demo provider is already running on %s (in an open Authdeck window or another terminal): it serves every command as it is", addr)}
	case sandboxNone:
	default:
		return &Error{Input: InputParam, Param: "port", Remedy: RemedyFixInput,
			Msg: fmt.Sprintf("%s is taken by another program or another config folder's demo provider", addr)}
	}
	base, stop, err := sandbox.New(key, sandbox.Options{Now: m.now}).Listen(addr)
	if err != nil {
		return &Error{Input: InputParam, Param: "port", Remedy: RemedyFixInput, Err: err, Msg: "cannot start the demo provider"}
	}
	defer stop()
	if ready != nil {
		ready(base)
	}
	<-ctx.Done()
	return nil
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
		return nil, keyringError(err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return key, keyringError(m.secrets.Set(sandboxKeyItem, hex.EncodeToString(key)))
}
