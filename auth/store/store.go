// Package store keeps connection metadata — never a secret — in one JSON file
// in the config directory, written atomically and updated under a lock that
// other Authdeck processes respect.
package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/filelock"
	"authdeck/auth/private"
)

// Version is the metadata format this build writes and understands.
const Version = 1

// FileName is the metadata file in the config directory.
const FileName = "connections.json"

// maxFile bounds connections.json: 10,000 connections take about 4 MB.
const maxFile = 256 << 20

// Connection is what Authdeck knows about one connection, apart from its
// secrets (which live in the keyring under SecretKey).
type Connection struct {
	Name        string            `json:"name"`
	Provider    string            `json:"provider"`
	Method      catalog.Kind      `json:"method"`
	ClientID    string            `json:"client_id,omitempty"`
	Scopes      []string          `json:"scopes,omitempty"`
	RedirectURI string            `json:"redirect_uri,omitempty"`
	User        string            `json:"user,omitempty"`
	Params      map[string]string `json:"params,omitempty"`
	// Extra holds non-secret values the provider returned, e.g. token_id.
	Extra map[string]string `json:"extra,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	// ConnectedAt is when a usable credential was last stored; nil means the
	// connection still needs its browser sign-in.
	ConnectedAt *time.Time `json:"connected_at,omitempty"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
	// ExpiresSet says the user chose ExpiresAt (an auto-extended API key).
	ExpiresSet      bool     `json:"expires_set,omitempty"`
	HasRefreshToken bool     `json:"has_refresh_token,omitempty"`
	LastRefresh     *Outcome `json:"last_refresh,omitempty"`
	LastCheck       *Outcome `json:"last_check,omitempty"`
	Account         string   `json:"account,omitempty"`
	// Owner and Note say who to ask about the connection and why it exists.
	Owner string `json:"owner,omitempty"`
	Note  string `json:"note,omitempty"`
	// ScopesMissing lists scopes asked for at sign-in that the provider did
	// not grant.
	ScopesMissing []string `json:"scopes_missing,omitempty"`
	// ReplacedBy names the connection whose sign-in invalidated this one's
	// token (Vinsight keeps one token per organisation).
	ReplacedBy string `json:"replaced_by,omitempty"`
	// Removing marks a removal under way: set before the secret is deleted,
	// so that a crash in between never leaves the connection listed as
	// usable without its secret.
	Removing bool `json:"removing,omitempty"`
	// Endpoints are the addresses the connection's secrets were bound to
	// when it was signed in or added: Authdeck sends its secrets nowhere
	// else until the person signs in again (nil: an older Authdeck wrote
	// it; the current definition's are recorded on first use).
	Endpoints *Endpoints `json:"endpoints,omitempty"`
	// Pending marks a connection stored for a browser sign-in that has not
	// finished yet: one whose window died during the wait is removed at the
	// window's next start instead of staying half-made for good.
	Pending bool `json:"pending,omitempty"`
}

// Endpoints are the expanded addresses that receive a connection's
// secrets: the token address (client secret, refresh token), the who-am-I
// address (the credential) and the login address (the password).
type Endpoints struct {
	Token string `json:"token,omitempty"`
	Check string `json:"check,omitempty"`
	Login string `json:"login,omitempty"`
}

// Outcome records how an action (refresh, check) last went, in words.
type Outcome struct {
	At      time.Time `json:"at"`
	OK      bool      `json:"ok"`
	Message string    `json:"message"`
	// Rejected says the provider refused the credential itself (HTTP 401),
	// as opposed to a network or server failure.
	Rejected bool `json:"rejected,omitempty"`
	// By names the machine and process that made it, for a shared
	// connection ("refreshed by …").
	By string `json:"by,omitempty"`
}

// SecretKey is the keyring key holding the connection's secrets.
func (c Connection) SecretKey() string { return "connection/" + c.Name }

type file struct {
	Version     int          `json:"version"`
	Connections []Connection `json:"connections"`
}

// Store is the metadata file of one config directory.
type Store struct {
	dir string
}

// Open prepares dir (mode 0700) for the metadata file. A folder, or a
// metadata file, that another user owns or may change is refused
// (CheckPrivate): whoever can change them decides where credentials go.
func Open(dir string) (*Store, error) {
	if err := CheckPrivate(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the config folder %s: %w", dir, err)
	}
	s := &Store{dir: dir}
	if err := CheckPrivateFile(s.Path()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return s, nil
}

// Path is the metadata file's path.
func (s *Store) Path() string { return filepath.Join(s.dir, FileName) }

// Load reads every connection. A missing file is an empty store.
func (s *Store) Load() ([]Connection, error) {
	// Read as a private, plain file: a FIFO put in its place must not hang
	// every command, and a file others can change is refused.
	data, err := private.ReadFile(s.Path(), maxFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", s.Path(), err)
	}
	return decode(data, s.Path())
}

func decode(data []byte, path string) ([]Connection, error) {
	// One pass in the common case; the version decides what an error means.
	// The file as this build writes it is read by decodeFast; anything
	// else by encoding/json, which defines the format.
	f, ok := decodeFast(data)
	var err error
	if !ok {
		f = file{}
		err = json.Unmarshal(data, &f)
	}
	if err != nil {
		// A newer format may not decode into this one: say so if it is one.
		var probe struct {
			Version int `json:"version"`
		}
		if json.Unmarshal(data, &probe) == nil && probe.Version > Version {
			f.Version = probe.Version
		} else {
			return nil, &FileError{Path: path, Problem: Damaged, Err: err}
		}
	}
	switch {
	case f.Version > Version:
		return nil, &FileError{Path: path, Problem: Newer, Version: f.Version}
	case f.Version < 1:
		return nil, &FileError{Path: path, Problem: NotOurs}
	}
	return f.Connections, nil
}

// FileProblem is why connections.json cannot be used.
type FileProblem int

// The problems a metadata file can have.
const (
	Damaged FileProblem = iota + 1 // it does not decode
	Newer                          // a newer Authdeck wrote it (Version says which format)
	NotOurs                        // it has no format version: Authdeck did not write it
)

// FileError is a metadata file that cannot be used, as facts: the core
// classifies it and each front end words it. The file is left unchanged.
type FileError struct {
	Path    string
	Problem FileProblem
	Version int   // the file's format (Newer)
	Err     error // the decoder's complaint (Damaged)
}

func (e *FileError) Error() string {
	switch e.Problem {
	case Newer:
		return fmt.Sprintf("%s was written by a newer Authdeck (format %d; this one reads up to %d)", e.Path, e.Version, Version)
	case NotOurs:
		return fmt.Sprintf("%s has no format version: it was not written by Authdeck", e.Path)
	}
	return fmt.Sprintf("%s is damaged (%v)", e.Path, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// Update runs fn on the current connections under the cross-process lock and
// writes back what it returns. If fn fails, nothing is written.
func (s *Store) Update(ctx context.Context, fn func([]Connection) ([]Connection, error)) error {
	lock, err := filelock.Acquire(ctx, filepath.Join(s.dir, FileName+".lock"))
	if err != nil {
		return err
	}
	defer lock.Unlock()
	conns, err := s.Load()
	if err != nil {
		return err
	}
	conns, err = fn(conns)
	if err != nil {
		return err
	}
	data, err := encodeFile(conns)
	if err != nil {
		return err
	}
	return WriteFile(s.Path(), data)
}

// encodeFile writes the file one connection to a line: as easy to read and
// to diff, connection by connection, as an indented file, and a quarter
// smaller, which every command that reads it pays for (issue 22: the
// indentation was 27 % of the bytes list --json scanned).
func encodeFile(conns []Connection) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"version":` + strconv.Itoa(Version) + `,"connections":[`)
	for i, c := range conns {
		line, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n")
		b.Write(line)
	}
	b.WriteString("\n]}\n")
	return b.Bytes(), nil
}

// WriteFile replaces path atomically: a crash at any moment leaves either the
// old or the new content, never a mixture. The file gets mode 0600.
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// The directory is not synced: after a crash the rename may be lost,
	// which leaves the previous file — still whole. That is the guarantee,
	// and it saves an fsync on every connect and refresh.
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Find returns the index of the connection called name, or -1.
func Find(conns []Connection, name string) int {
	for i, c := range conns {
		if c.Name == name {
			return i
		}
	}
	return -1
}
