package auth

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"authdeck/auth/secret"
	"authdeck/internal/standin"
)

// After this folder's sandbox stops, another local user who read its
// identity answer takes the port and replays it. Authdeck must not take the
// stand-in for its own sandbox and send it the refresh token: the identity
// is a proof of the key for a fresh challenge, which nothing read before
// can answer. (A public key_id was replayable.)
func TestSandboxStandInCannotReplayItsIdentity(t *testing.T) {
	port := standin.FreePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	keys := secret.NewMemory()
	opts := Options{OpenBrowser: standin.Browser("approve"), Secrets: keys, HTTP: &http.Client{Timeout: 10 * time.Second}}
	f := newFixture(t, opts)
	if _, err := f.m.Add(ctx, AddRequest{Name: "demo", Provider: "sandbox", Params: map[string]string{"port": port}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Connect(ctx, "demo", ConnectOptions{}); err != nil {
		t.Fatal(err)
	}
	// What any local user can read while the sandbox runs, with and without a challenge.
	seen := map[string][]byte{}
	for _, q := range []string{"", "?challenge=abc"} {
		resp, err := http.Get("http://127.0.0.1:" + port + "/.well-known/authdeck-sandbox" + q)
		if err != nil {
			t.Fatal(err)
		}
		seen[q], _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	f.m.Close() // the sandbox stops; the port is free for anyone

	var mu sync.Mutex
	var stolen []string
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	standIn := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/.well-known/") {
			w.Header().Set("Content-Type", "application/json")
			if r.URL.RawQuery != "" {
				_, _ = w.Write(seen["?challenge=abc"])
			} else {
				_, _ = w.Write(seen[""])
			}
			return
		}
		_ = r.ParseForm()
		mu.Lock()
		stolen = append(stolen, r.Form.Get("refresh_token"))
		mu.Unlock()
		http.Error(w, "stand-in", http.StatusBadRequest)
	})}
	go func() { _ = standIn.Serve(ln) }()
	defer standIn.Close()

	opts.ConfigDir = f.dir
	opts.Now = f.clock.Now
	m, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	c, err := m.Refresh(ctx, "demo")
	mu.Lock()
	defer mu.Unlock()
	if len(stolen) > 0 {
		t.Fatalf("the stand-in received %d token requests (refresh token %q)", len(stolen), stolen[0])
	}
	if err != nil || c.Status != StatusOK {
		t.Fatalf("refresh through this folder's own sandbox: %+v, %v", c, err)
	}
}
