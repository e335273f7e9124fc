package team

import (
	"context"
	"fmt"
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
	h, err := s.client.Sys().HealthWithContext(ctx)
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
	if s.client.Token() == "" {
		return Token{}, &Error{Kind: KindDenied, Msg: fmt.Sprintf("there is no token for %s", s.Where())}
	}
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	sec, err := s.client.Auth().Token().LookupSelfWithContext(ctx)
	if err != nil {
		return Token{}, s.classify(err, "looking the token up")
	}
	var tok Token
	if sec == nil || sec.Data == nil {
		return tok, nil
	}
	name, _ := sec.Data["display_name"].(string)
	tok.DisplayName = sanitize.Line(name)
	pols, _ := sec.TokenPolicies()
	for _, p := range pols {
		tok.Policies = append(tok.Policies, sanitize.Line(p))
	}
	if ttl, err := sec.TokenTTL(); err == nil && ttl > 0 {
		at := s.now().Add(ttl)
		tok.ExpiresAt = &at
	}
	return tok, nil
}

func (s *Store) checkMount(ctx context.Context) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	sec, err := s.client.Logical().ReadWithContext(ctx, path.Join("sys/internal/ui/mounts", s.cfg.Mount))
	if err != nil || sec == nil || sec.Data == nil {
		if KindOf(s.classify(err, "")) == KindUnreachable {
			return s.classify(err, "reading the mount")
		}
		return &Error{Kind: KindNotKV2, Msg: fmt.Sprintf("%s: there is no mount %q this token can see; enable one with: vault secrets enable -path=%s kv-v2", s.Where(), s.cfg.Mount, s.cfg.Mount)}
	}
	typ, _ := sec.Data["type"].(string)
	opts, _ := sec.Data["options"].(map[string]any)
	version, _ := opts["version"].(string)
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
	caps, err := s.client.Sys().CapabilitiesSelfWithContext(ctx, data)
	if err != nil {
		return s.classify(err, "asking what the token may do")
	}
	metaCaps, err := s.client.Sys().CapabilitiesSelfWithContext(ctx, meta)
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
