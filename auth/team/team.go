// Package team keeps shared connections in a team store: one record per
// connection in a HashiCorp Vault or OpenBao KV version 2 mount, holding the
// connection's metadata and its secrets. Every write is a check-and-set, so
// a stale write is refused instead of dropping a newer token, and a refresh
// is made by whoever holds the record's lease (see Claim).
package team

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Config says where the team store is. It holds no secret: the Vault token
// lives in the OS keyring or in VAULT_TOKEN.
type Config struct {
	Address string `json:"address"`
	Mount   string `json:"mount"`
	Path    string `json:"path"`
	// CACert is a PEM file with the CA that signed the server's certificate
	// (else VAULT_CACERT, else the system's roots).
	CACert string `json:"ca_cert,omitempty"`
}

// Defaults for the mount and the path under it.
const (
	DefaultMount = "secret"
	DefaultPath  = "authdeck"
)

// Timeout bounds one request to the store: a hung server must not hang a
// command (a command makes few requests, and says what is wrong within 5 s).
const Timeout = 4 * time.Second

// DefaultLease is how long a refresh may hold a record before another
// machine may take the lease over.
const DefaultLease = 30 * time.Second

// Store is one team store, ready to use.
type Store struct {
	cfg    Config
	client *client
	// Who names this machine and process in leases and in "refreshed by".
	Who string
	// Lease bounds a lease (DefaultLease when zero); tests shorten it.
	Lease time.Duration
	// Now is the clock leases are judged by.
	Now func() time.Time
	// Timeout bounds each request (Timeout when zero).
	Timeout time.Duration
}

// Normalize fills the defaults in and checks the address: https, or plain
// http only to this machine (a token sent in clear over a network is a
// token given away).
func (c Config) Normalize() (Config, error) {
	c.Mount = strings.Trim(strings.TrimSpace(c.Mount), "/")
	c.Path = strings.Trim(strings.TrimSpace(c.Path), "/")
	if c.Mount == "" {
		c.Mount = DefaultMount
	}
	if c.Path == "" {
		c.Path = DefaultPath
	}
	for _, part := range []string{c.Mount, c.Path} {
		if strings.ContainsAny(part, "?#%\\ \t\r\n") || strings.Contains(part, "..") {
			return c, &Error{Kind: KindConfig, Msg: fmt.Sprintf("%q is not a usable mount or path: use letters, digits, dashes and slashes", part)}
		}
	}
	addr := strings.TrimSpace(c.Address)
	if addr != "" && !strings.Contains(addr, "://") {
		// A bare host ("vault.example.com:8200") is what people type, as
		// for an issuer: a store is reached over https.
		addr = "https://" + addr
	}
	u, err := url.Parse(addr)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil {
		return c, &Error{Kind: KindConfig, Msg: fmt.Sprintf("%q is not a store address: give one like https://vault.example.com:8200", c.Address)}
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return c, &Error{Kind: KindConfig, Msg: "a team store is reached over https: plain http would send the token and every shared secret in clear (it is allowed only to this machine)"}
	}
	u.Path, u.RawQuery, u.Fragment = strings.TrimRight(u.Path, "/"), "", ""
	c.Address = u.String()
	return c, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Open prepares a client for the store; it makes no request.
func Open(cfg Config, token string) (*Store, error) {
	cfg, err := cfg.Normalize()
	if err != nil {
		return nil, err
	}
	tlsConf, err := tlsConfig(cfg.CACert)
	if err != nil {
		return nil, err
	}
	// TLS is always verified here: VAULT_SKIP_VERIFY is never honoured.
	hc := &http.Client{
		Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment, TLSClientConfig: tlsConf,
			TLSHandshakeTimeout: Timeout, ResponseHeaderTimeout: Timeout,
			MaxResponseHeaderBytes: 64 << 10,
			DialContext:            (&net.Dialer{Timeout: Timeout}).DialContext,
		},
		CheckRedirect: redirectPolicy,
	}
	c := &client{addr: cfg.Address, token: token, namespace: os.Getenv("VAULT_NAMESPACE"), hc: hc}
	host, _ := os.Hostname()
	return &Store{cfg: cfg, client: c, Who: fmt.Sprintf("%s/%d", host, os.Getpid()), Now: time.Now}, nil
}

// tlsConfig verifies the server against file (else VAULT_CACERT, else the
// system's roots). VAULT_SKIP_VERIFY is never honoured.
func tlsConfig(file string) (*tls.Config, error) {
	conf := &tls.Config{MinVersion: tls.VersionTLS12}
	if file == "" {
		file = os.Getenv("VAULT_CACERT")
	}
	if file == "" {
		return conf, nil
	}
	pem, err := os.ReadFile(file) // #nosec G304 G703 -- a CA file the person named
	if err != nil {
		return nil, &Error{Kind: KindConfig, Msg: fmt.Sprintf("cannot read the CA certificate %s", file), Err: err}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, &Error{Kind: KindConfig, Msg: fmt.Sprintf("%s holds no PEM certificate", file)}
	}
	conf.RootCAs = pool
	return conf, nil
}

// Config is the store's configuration, normalised.
func (s *Store) Config() Config { return s.cfg }

// Where names the store in messages: its address, mount and path.
func (s *Store) Where() string { return s.cfg.Where() }

// Where names the store in messages.
func (c Config) Where() string {
	return fmt.Sprintf("the team store %s (%s/%s)", c.Address, c.Mount, c.Path)
}

func (s *Store) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	t := s.Timeout
	if t == 0 {
		t = Timeout
	}
	return context.WithTimeout(ctx, t)
}

func (s *Store) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Store) lease() time.Duration {
	if s.Lease <= 0 {
		return DefaultLease
	}
	return s.Lease
}

// Kind is what went wrong with the store, as a value the core maps to a
// remedy.
type Kind string

// The kinds of store trouble.
const (
	KindConfig      Kind = "config"      // the address, mount, path or CA file is unusable
	KindUnreachable Kind = "unreachable" // nothing answers, or it did not answer in time
	KindSealed      Kind = "sealed"      // the server is sealed or not initialised
	KindDenied      Kind = "denied"      // the token is missing, expired or not allowed
	KindNotKV2      Kind = "not-kv2"     // the mount is missing or not KV version 2
	KindNotFound    Kind = "not-found"   // no such record
	KindStale       Kind = "stale"       // another machine wrote the record first
	KindBusy        Kind = "busy"        // another machine holds the lease
	KindDamaged     Kind = "damaged"     // a record that is not Authdeck's
	KindServer      Kind = "server"      // any other answer
)

// Error is trouble with the team store, in words that fit any screen.
type Error struct {
	Kind Kind
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Msg
	}
	return e.Msg + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf is err's kind, or "" when it is not the store's.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

// classify turns a client error into the store's own.
func (s *Store) classify(err error, doing string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	where := s.Where()
	var resp *statusError
	if errors.As(err, &resp) {
		return s.classifyStatus(resp, doing)
	}
	if errors.Is(err, errTooLarge) || errors.Is(err, errNotVault) {
		return &Error{Kind: KindServer, Msg: fmt.Sprintf("%s gave an answer Authdeck cannot read while %s", where, doing), Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return &Error{Kind: KindUnreachable, Msg: fmt.Sprintf("%s did not answer within %s while %s", where, s.timeout(), doing)}
	}
	return &Error{Kind: KindUnreachable, Msg: fmt.Sprintf("cannot reach %s while %s", where, doing), Err: cleanErr(err)}
}

func (s *Store) timeout() time.Duration {
	if s.Timeout == 0 {
		return Timeout
	}
	return s.Timeout
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (s *Store) classifyStatus(resp *statusError, doing string) error {
	where := s.Where()
	detail := strings.Join(resp.Errors, "; ")
	switch {
	case resp.Status == http.StatusServiceUnavailable:
		return &Error{Kind: KindSealed, Msg: fmt.Sprintf("%s is sealed or not initialised (while %s): unseal it", where, doing)}
	case resp.Status == http.StatusForbidden || resp.Status == http.StatusUnauthorized:
		return &Error{Kind: KindDenied, Msg: fmt.Sprintf("%s refused the token while %s: the token is missing, expired or not allowed there", where, doing)}
	case resp.Status == http.StatusBadRequest && strings.Contains(detail, "check-and-set"):
		return &Error{Kind: KindStale, Msg: fmt.Sprintf("another machine changed the record in %s first", where)}
	case resp.Status == http.StatusNotFound:
		return &Error{Kind: KindNotFound, Msg: fmt.Sprintf("nothing found in %s", where)}
	}
	return &Error{Kind: KindServer, Msg: fmt.Sprintf("%s answered HTTP %d while %s", where, resp.Status, doing), Err: errors.New(clip(detail))}
}

// cleanErr keeps the words of a transport error but not the request's URL
// parameters (the client quotes the URL).
func cleanErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
