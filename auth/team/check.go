package team

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"authdeck/auth/sanitize"
)

// Token is who the store says the token is.
type Token struct {
	DisplayName string     `json:"display_name"`
	Policies    []string   `json:"policies"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"` // nil: never
}

// Check asks the store, in order, whether it answers, is unsealed, has a
// KV version 2 mount at the configured mount, and lets the token read,
// write and list under the path. The first thing wrong is returned, in
// words; the token's identity on success.
func (s *Store) Check(ctx context.Context) (Token, error) {
	if err := s.checkHealth(ctx); err != nil {
		return Token{}, err
	}
	tok, err := s.Whoami(ctx)
	if err != nil {
		return tok, err
	}
	if err := s.checkMount(ctx); err != nil {
		return tok, err
	}
	return tok, s.checkCapabilities(ctx)
}

func (s *Store) checkHealth(ctx context.Context) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	var h struct {
		Initialized bool `json:"initialized"`
		Sealed      bool `json:"sealed"`
	}
	// Every state answers 299 (as the official client asks): a sealed or
	// standby server is an answer to read, not an HTTP error.
	q := url.Values{}
	for _, k := range []string{"uninitcode", "sealedcode", "standbycode", "drsecondarycode", "performancestandbycode", "removedcode", "haunhealthycode"} {
		q.Set(k, "299")
	}
	raw, err := s.client.send(ctx, http.MethodGet, "sys/health", q, nil)
	if err == nil && json.Unmarshal(raw, &h) != nil {
		err = errNotVault
	}
	if err != nil {
		return s.classify(err, "asking whether it is up")
	}
	switch {
	case !h.Initialized:
		return &Error{Kind: KindSealed, Msg: fmt.Sprintf("%s is not initialised yet", s.Where())}
	case h.Sealed:
		return &Error{Kind: KindSealed, Msg: fmt.Sprintf("%s is sealed: unseal it", s.Where())}
	}
	return nil
}

// Whoami looks the token up.
func (s *Store) Whoami(ctx context.Context) (Token, error) {
	if s.client.token == "" {
		return Token{}, &Error{Kind: KindDenied, Msg: fmt.Sprintf("there is no token for %s", s.Where())}
	}
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	var got struct {
		DisplayName      string   `json:"display_name"`
		Policies         []string `json:"policies"`
		IdentityPolicies []string `json:"identity_policies"`
		TTL              float64  `json:"ttl"` // seconds left; 0: never expires
	}
	if err := s.client.call(ctx, http.MethodGet, "auth/token/lookup-self", nil, nil, &got); err != nil {
		return Token{}, s.classify(err, "looking the token up")
	}
	tok := Token{DisplayName: sanitize.Line(got.DisplayName)}
	for _, p := range append(got.Policies, got.IdentityPolicies...) {
		tok.Policies = append(tok.Policies, sanitize.Line(p))
	}
	if got.TTL > 0 && got.TTL < 1<<31 {
		at := s.now().Add(time.Duration(got.TTL) * time.Second)
		tok.ExpiresAt = &at
	}
	return tok, nil
}

func (s *Store) checkMount(ctx context.Context) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	var mount struct {
		Type    string            `json:"type"`
		Options map[string]string `json:"options"`
	}
	err := s.client.call(ctx, http.MethodGet, path.Join("sys/internal/ui/mounts", s.cfg.Mount), nil, nil, &mount)
	if err != nil || mount.Type == "" {
		if err != nil && KindOf(s.classify(err, "")) == KindUnreachable {
			return s.classify(err, "reading the mount")
		}
		return &Error{Kind: KindNotKV2, Msg: fmt.Sprintf("%s: there is no mount %q this token can see; enable one with: vault secrets enable -path=%s kv-v2", s.Where(), s.cfg.Mount, s.cfg.Mount)}
	}
	typ, version := mount.Type, mount.Options["version"]
	if typ != "kv" || version != "2" {
		return &Error{Kind: KindNotKV2, Msg: fmt.Sprintf("%s: the mount %q is %s, not a KV version 2 secrets engine (check-and-set needs version 2)", s.Where(), s.cfg.Mount, describeMount(typ, version))}
	}
	return nil
}

func describeMount(typ, version string) string {
	if typ == "kv" {
		return "KV version " + cmpOr(version, "1")
	}
	return "a " + sanitize.Line(cmpOr(typ, "unknown")) + " engine"
}

func cmpOr(a, b string) string {
	if a == "" {
		return b
	}
	return a
}

// checkCapabilities asks the store what the token may do under the path.
func (s *Store) checkCapabilities(ctx context.Context) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	data := path.Join(s.cfg.Mount, "data", s.cfg.Path, "x")
	// A LIST is checked against the path with a trailing slash.
	meta := path.Join(s.cfg.Mount, "metadata", s.cfg.Path) + "/"
	caps, err := s.capabilities(ctx, data)
	if err != nil {
		return s.classify(err, "asking what the token may do")
	}
	metaCaps, err := s.capabilities(ctx, meta)
	if err != nil {
		return s.classify(err, "asking what the token may do")
	}
	var missing []string
	for _, need := range []struct {
		caps  []string
		c, on string
	}{
		{caps, "read", data}, {caps, "create", data}, {caps, "update", data}, {metaCaps, "list", meta},
	} {
		if !slices.Contains(need.caps, need.c) && !slices.Contains(need.caps, "root") {
			missing = append(missing, need.c+" on "+strings.TrimSuffix(path.Dir(need.on+"x"), "/")+"/*")
		}
	}
	if len(missing) > 0 {
		return &Error{Kind: KindDenied, Msg: fmt.Sprintf("the token may not %s in %s: give it a policy that allows them", strings.Join(missing, ", "), s.Where())}
	}
	return nil
}

// capabilities is what the token may do on p (sys/capabilities-self).
func (s *Store) capabilities(ctx context.Context, p string) ([]string, error) {
	var got map[string]any
	if err := s.client.call(ctx, http.MethodPost, "sys/capabilities-self", nil, map[string]any{"paths": []string{p}}, &got); err != nil {
		return nil, err
	}
	list, ok := got[p].([]any)
	if !ok {
		list, _ = got["capabilities"].([]any)
	}
	var caps []string
	for _, c := range list {
		if c, ok := c.(string); ok {
			caps = append(caps, c)
		}
	}
	return caps, nil
}
