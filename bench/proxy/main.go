// Command proxy measures the local credential proxy (issue 24) for `make
// bench`: the latency it adds to a small GET against the sandbox provider on
// loopback, each round timing the same request direct (with the header) and
// through the proxy, in alternating order; and 1,000 requests from 20
// concurrent clients across the token's expiry, counting refreshes and
// failed requests. It prints one JSON object.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/secret"
	"authdeck/internal/fakeclock"
	"authdeck/internal/standin"
)

// refreshCounter counts refresh-token grants on the way to the provider.
type refreshCounter struct{ n atomic.Int32 }

func (c *refreshCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/token") && r.GetBody != nil {
		if body, err := r.GetBody(); err == nil {
			data, _ := io.ReadAll(io.LimitReader(body, 4096))
			if strings.Contains(string(data), "grant_type=refresh_token") {
				c.n.Add(1)
			}
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

func main() {
	rounds := flag.Int("rounds", 2000, "timed GETs each way")
	flag.Parse()
	if err := run(*rounds); err != nil {
		fmt.Fprintln(os.Stderr, "bench/proxy:", err)
		os.Exit(1)
	}
}

func run(rounds int) error {
	dir, err := os.MkdirTemp("", "authdeck-bench-proxy")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	clock := fakeclock.New(time.Now())
	counter := &refreshCounter{}
	m, err := auth.Open(auth.Options{ConfigDir: dir, Secrets: secret.NewMemory(), Now: clock.Now,
		OpenBrowser: standin.Browser("approve"), HTTP: &http.Client{Transport: counter, Timeout: 10 * time.Second}})
	if err != nil {
		return err
	}
	defer m.Close()
	ctx := context.Background()
	port, err := freePort()
	if err != nil {
		return err
	}
	if _, err := m.Add(ctx, auth.AddRequest{Name: "demo", Provider: auth.SandboxID, Method: catalog.KindOAuth, Params: map[string]string{"port": port}}); err != nil {
		return err
	}
	if _, err := m.Connect(ctx, "demo", auth.ConnectOptions{}); err != nil {
		return err
	}
	p, err := m.StartProxy(ctx, "demo", 0)
	if err != nil {
		return err
	}
	defer p.Stop()
	direct, proxied, added, err := latency(ctx, m, p.URL, "http://127.0.0.1:"+port, rounds)
	if err != nil {
		return err
	}
	failed := acrossExpiry(p.URL, clock)
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"direct_ms": direct, "proxy_ms": proxied, "added_ms": added,
		"requests": 1000, "clients": 20, "refreshes": counter.n.Load(), "failed": failed,
	})
}

// latency times the same GET direct and through the proxy, alternating
// which goes first; it returns the medians and the median of the per-round
// differences, in milliseconds.
func latency(ctx context.Context, m *auth.Manager, proxyURL, sandboxURL string, rounds int) (float64, float64, float64, error) {
	cred, err := m.Credential(ctx, "demo")
	if err != nil {
		return 0, 0, 0, err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	get := func(u string, header bool) (time.Duration, error) {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if header {
			req.Header.Set(cred.Header, cred.Value)
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("GET answered %d", resp.StatusCode)
		}
		return time.Since(start), nil
	}
	var d, p, diff []float64
	for i := range rounds + 50 {
		order := []bool{i%2 == 0, i%2 != 0}
		var td, tp time.Duration
		for _, proxyFirst := range order {
			var err error
			if proxyFirst {
				tp, err = get(proxyURL+"/userinfo", false)
			} else {
				td, err = get(sandboxURL+"/userinfo", true)
			}
			if err != nil {
				return 0, 0, 0, err
			}
		}
		if i >= 50 { // warm-up: connections, caches
			d, p, diff = append(d, ms(td)), append(p, ms(tp)), append(diff, ms(tp-td))
		}
	}
	return median(d), median(p), median(diff), nil
}

// acrossExpiry sends 1,000 GETs from 20 clients, moving the clock past the
// token's expiry half-way; it returns how many failed.
func acrossExpiry(proxyURL string, clock *fakeclock.Clock) int32 {
	var done, failed atomic.Int32
	var expire sync.Once
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 20}}
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				resp, err := client.Get(proxyURL + "/userinfo")
				if err != nil || resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if done.Add(1) == 500 {
					expire.Do(func() { clock.Advance(10*time.Minute + time.Second) })
				}
			}
		}()
	}
	wg.Wait()
	return failed.Load()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(v []float64) float64 {
	slices.Sort(v)
	return v[len(v)/2]
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}
