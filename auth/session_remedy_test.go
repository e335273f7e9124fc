package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// A session login the provider cannot take now (429, its own 5xx) is to be
// waited out; one it refuses (401) wants another password; one that signs
// in but keeps no session wants another way to connect. The texts state
// the facts, the remedy says which.
func TestSessionRefusalsChooseTheirRemedy(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   Remedy
	}{
		{http.StatusTooManyRequests, RemedyWait},
		{http.StatusServiceUnavailable, RemedyWait},
		{http.StatusUnauthorized, RemedyReplaceSecret},
		{http.StatusOK, RemedyOtherMethod}, // accepted, but no session cookie: no password helps
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(tc.status) }))
		f := newFixture(t, Options{})
		def := `{"id":"sess","name":"Sess","methods":[{"kind":"session","label":"Sign in","login_url":"` + srv.URL +
			`/login","apply":{"header":"Cookie"},"check_url":"` + srv.URL + `/me"}]}`
		if err := os.MkdirAll(filepath.Join(f.dir, "providers.d"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(f.dir, "providers.d", "sess.json"), []byte(def), 0o600); err != nil {
			t.Fatal(err)
		}
		m, err := Open(Options{ConfigDir: f.dir, Secrets: f.secrets, Now: f.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := m.Add(ctx, AddRequest{Name: "books", Provider: "sess", User: "ann@example.com", Secret: "pw"}); err != nil {
			t.Fatal(err)
		}
		_, err = m.Credential(ctx, "books")
		e, ok := AsError(err)
		if !ok || e.Remedy != tc.want {
			t.Errorf("%d: %v (remedy %q), want remedy %q", tc.status, err, e.Remedy, tc.want)
		}
		m.Close()
		srv.Close()
	}
}
