package auth

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"authdeck/internal/standin"
)

// 1,000 requests from 20 concurrent clients through the local proxy to the
// real sandbox provider, across the expiry of the token: exactly one
// refresh, and every request answered 200. The sandbox judges tokens by the
// same clock, so requests in flight with the old token meet a 401 and are
// sent again with the renewed one.
func TestProxyAcrossAnExpiryRefreshesOnce(t *testing.T) {
	counter := &countingTransport{}
	f := newFixture(t, Options{OpenBrowser: standin.Browser("approve"), HTTP: &http.Client{Transport: counter, Timeout: 10 * time.Second}})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := f.m.Add(ctx, AddRequest{Name: "demo", Provider: SandboxID, Params: map[string]string{"port": standin.FreePort(t)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Connect(ctx, "demo", ConnectOptions{}); err != nil {
		t.Fatal(err)
	}
	p, err := f.m.StartProxy(ctx, "demo", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	before, _ := f.m.Credential(ctx, "demo")
	var done, failed atomic.Int32
	var expire sync.Once
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 20}}
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				resp, err := client.Get(p.URL + "/userinfo")
				if err != nil || resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if done.Add(1) == 500 {
					expire.Do(func() { f.clock.Advance(10*time.Minute + time.Second) })
				}
			}
		}()
	}
	wg.Wait()
	after, _ := f.m.Credential(ctx, "demo")
	if failed.Load() != 0 || counter.refreshes.Load() != 1 || after.Secret == before.Secret {
		t.Fatalf("%d of 1000 failed, %d refreshes (want 0 and 1)", failed.Load(), counter.refreshes.Load())
	}
}

// The proxy refuses what has no key, and what it forwards carries the
// connection's credential, not the caller's.
func TestStartProxyNeedsItsKey(t *testing.T) {
	f := newFixture(t, Options{OpenBrowser: standin.Browser("approve")})
	ctx := context.Background()
	if _, err := f.m.Add(ctx, AddRequest{Name: "demo", Provider: SandboxID, Params: map[string]string{"port": standin.FreePort(t)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.StartProxy(ctx, "demo", 0); err == nil {
		t.Fatal("a proxy started for a connection that is not signed in")
	}
	if _, err := f.m.Connect(ctx, "demo", ConnectOptions{}); err != nil {
		t.Fatal(err)
	}
	p, err := f.m.StartProxy(ctx, "demo", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	keyless := p.URL[:strings.LastIndex(p.URL, "/")]
	resp, err := http.Get(keyless + "/userinfo")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("without the key: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, p.URL+"/userinfo", nil)
	req.Header.Set("Authorization", "Bearer not-mine")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("with the key and a caller's own token: %d", resp.StatusCode)
	}
}
