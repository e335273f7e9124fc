package team

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"sort"
	"time"

	"authdeck/auth/store"
)

// Format is the record format this build writes and understands.
const Format = 1

// Record is one shared connection as the store keeps it: its metadata, its
// secrets (one JSON object, the same one the OS keyring keeps for a local
// connection) and, while a machine refreshes it, the lease.
type Record struct {
	Name       string           `json:"-"`
	Version    int              `json:"-"` // the KV version read; the next write checks it
	Format     int              `json:"authdeck"`
	Connection store.Connection `json:"connection"`
	Secrets    json.RawMessage  `json:"secrets,omitempty"`
	Lease      *Lease           `json:"lease,omitempty"`
	// Held says this Record is under a lease this Store took (Claim): only
	// then may Release clear the lease.
	Held bool `json:"-"`
}

// Lease says a machine is changing the record (refreshing its token) and
// until when; after that, another may take it over.
type Lease struct {
	By    string    `json:"by"`
	ID    string    `json:"id"`
	Until time.Time `json:"until"`
}

// maxRecord bounds what is accepted from the store for one record.
const maxRecord = 1 << 20

func (s *Store) dataPath(name string) string {
	return path.Join(s.cfg.Mount, "data", s.cfg.Path, name)
}

func (s *Store) metadataPath(name string) string {
	return path.Join(s.cfg.Mount, "metadata", s.cfg.Path, name)
}

// kvRead is what a KV version 2 read answers: the record's fields, raw,
// and the version they are.
type kvRead struct {
	Data     json.RawMessage `json:"data"`
	Metadata struct {
		Version int `json:"version"`
	} `json:"metadata"`
}

// Read returns the record called name with its version.
func (s *Store) Read(ctx context.Context, name string) (Record, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	var got kvRead
	err := s.client.call(ctx, http.MethodGet, s.dataPath(name), nil, nil, &got)
	switch {
	case isNotFound(err):
		return Record{Name: name}, &Error{Kind: KindNotFound, Msg: fmt.Sprintf("%s has no record %q", s.Where(), name)}
	case errors.Is(err, errTooLarge):
		return Record{Name: name}, s.damaged(name)
	case err != nil:
		return Record{Name: name}, s.classify(err, "reading a shared connection")
	}
	return s.decode(name, got)
}

// isNotFound: Vault answers 404 for a record never written or deleted.
func isNotFound(err error) bool {
	var st *statusError
	return errors.As(err, &st) && st.Status == http.StatusNotFound || KindOf(err) == KindNotFound
}

func (s *Store) damaged(name string) error {
	return &Error{Kind: KindDamaged, Msg: fmt.Sprintf("the record %q in %s is not an Authdeck connection", name, s.Where())}
}

func (s *Store) decode(name string, got kvRead) (Record, error) {
	rec := Record{Name: name}
	if len(got.Data) == 0 || json.Unmarshal(got.Data, &rec) != nil || rec.Format == 0 {
		return rec, s.damaged(name)
	}
	rec.Name, rec.Version, rec.Held = name, max(got.Metadata.Version, 1), false
	if rec.Format > Format {
		return rec, &Error{Kind: KindDamaged, Msg: fmt.Sprintf("the record %q in %s was written by a newer Authdeck", name, s.Where())}
	}
	return rec, nil
}

// Write stores rec if the record is still at rec.Version (0: create it, if
// no record of that name exists). It returns rec at its new version. A
// record changed meanwhile is refused with KindStale.
func (s *Store) Write(ctx context.Context, rec Record) (Record, error) {
	rec.Format = Format
	body := struct {
		Options struct {
			CAS int `json:"cas"`
		} `json:"options"`
		Data Record `json:"data"`
	}{Data: rec}
	body.Options.CAS = rec.Version
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	var got struct {
		Version int `json:"version"`
	}
	if err := s.client.call(ctx, http.MethodPost, s.dataPath(rec.Name), nil, body, &got); err != nil {
		return rec, s.classify(err, "writing a shared connection")
	}
	if got.Version > 0 {
		rec.Version = got.Version
	} else {
		rec.Version++
	}
	return rec, nil
}

// Names lists the records under the store's path, sorted.
func (s *Store) Names(ctx context.Context) ([]string, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	var got struct {
		Keys []any `json:"keys"`
	}
	err := s.client.call(ctx, http.MethodGet, s.metadataPath(""), url.Values{"list": {"true"}}, nil, &got)
	if isNotFound(err) {
		return nil, nil // Vault answers 404 for a path with nothing under it
	}
	if err != nil {
		return nil, s.classify(err, "listing shared connections")
	}
	var names []string
	for _, k := range got.Keys {
		if name, ok := k.(string); ok && name != "" && name[len(name)-1] != '/' {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// Delete removes the record called name with every version of it.
func (s *Store) Delete(ctx context.Context, name string) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.classify(s.client.call(ctx, http.MethodDelete, s.metadataPath(name), nil, nil, nil), "removing a shared connection")
}

// Claim takes the record's lease: it reads the record and, unless another
// machine holds an unexpired lease, writes the lease with check-and-set, so
// that exactly one machine wins. A lease held by another is waited for,
// with backoff, until it is released or runs out (then it is taken over: a
// machine that died mid-refresh must not block the team for ever). The
// record returned is the one under the lease; Write it (with its Lease set
// to nil) or Release it.
//
// need, when not nil, is asked of every record read: false returns the
// record as it is, with no lease taken (another machine already did the
// work that needed it).
func (s *Store) Claim(ctx context.Context, name string, need func(Record) bool) (Record, error) {
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	wait := 20 * time.Millisecond
	for {
		rec, err := s.Read(ctx, name)
		if err != nil {
			return rec, err
		}
		if need != nil && !need(rec) {
			return rec, nil
		}
		now := s.now()
		if l := rec.Lease; l != nil && now.Before(l.Until) && l.Until.Sub(now) <= 2*s.lease() {
			// Held by another: wait a little, never past the lease's end.
			if err := sleep(ctx, min(wait, l.Until.Sub(now)+time.Millisecond)); err != nil {
				return rec, &Error{Kind: KindBusy, Msg: fmt.Sprintf("%s is refreshing %q in %s", l.By, name, s.Where()), Err: err}
			}
			wait = min(wait*2, 500*time.Millisecond)
			continue
		}
		rec.Lease = &Lease{By: s.Who, ID: hex.EncodeToString(id), Until: now.Add(s.lease())}
		out, err := s.Write(ctx, rec)
		if KindOf(err) == KindStale {
			continue // another machine claimed or wrote it first: look again
		}
		out.Held = err == nil
		return out, err
	}
}

// Release gives a lease back without changing anything else, if it is
// still this one's.
func (s *Store) Release(ctx context.Context, held Record) error {
	if !held.Held || held.Lease == nil {
		return nil
	}
	held.Lease, held.Held = nil, false
	_, err := s.Write(ctx, held)
	if KindOf(err) == KindStale {
		return nil // taken over meanwhile: no longer ours to release
	}
	return err
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
