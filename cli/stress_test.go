package cli

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"authdeck/auth"
	"authdeck/auth/secret"
)

// The window (a long-lived Manager in this process, refreshing) and many
// CLI processes read, refresh and remove the same connections at once, on
// the real keyring, against the sandbox, which rotates refresh tokens and
// refuses a reused one. Bounded: 24 processes, 6 at a time, a dozen window
// refreshes. No refresh token is lost (every refresh succeeds and a final
// one works), the metadata is never torn (every list parses), and removed
// connections leave nothing behind.
func TestWindowAndProcessesShareConnections(t *testing.T) {
	requireKeyring(t)
	dir := t.TempDir()
	port, counter := startSandbox(t, dir)
	t.Setenv("BROWSER", writeBrowser(t, "approve"))
	keep := []string{"oa-1", "oa-2", "oa-3"}
	gone := []string{"oa-gone-1", "oa-gone-2"}
	for _, name := range append(append([]string{}, keep...), gone...) {
		if r := run(t, dir, nil, "", "add", name, "--provider", "sandbox", "--param", "port="+port, "--client-id", "cid-"+name); r.code != 0 {
			t.Fatalf("add %s: %+v", name, r)
		}
		if r := run(t, dir, nil, "", "connect", name, "--timeout", "30s"); r.code != 0 {
			t.Fatalf("connect %s: %+v", name, r)
		}
	}

	window, err := auth.Open(auth.Options{ConfigDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer window.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	var wg sync.WaitGroup
	var mu sync.Mutex
	var problems []string
	problem := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, s)
	}
	removed := func(msg string) bool { return strings.Contains(msg, "no connection called") }

	wg.Add(1)
	go func() { // the window: refreshes and lists, as its background loop does
		defer wg.Done()
		for i := range 12 {
			name := keep[i%len(keep)]
			if _, err := window.Refresh(ctx, name); err != nil {
				problem("window refresh " + name + ": " + err.Error())
			}
			if _, err := window.List(); err != nil {
				problem("window list: " + err.Error())
			}
		}
	}()

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	type job struct{ args []string }
	var jobs []job
	for _, name := range gone {
		jobs = append(jobs, job{[]string{"remove", name}})
	}
	all := append(append([]string{}, keep...), gone...)
	for len(jobs) < 24 {
		name := all[rng.IntN(len(all))]
		jobs = append(jobs, job{[][]string{{"token", name}, {"refresh", name}, {"list", "--json"}, {"header", name}}[rng.IntN(4)]})
	}
	rng.Shuffle(len(jobs), func(i, j int) { jobs[i], jobs[j] = jobs[j], jobs[i] })
	slots := make(chan struct{}, 6)
	for _, j := range jobs {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			r := runProcess(t, dir, nil, "", j.args...)
			switch {
			case r.code != 0 && !removed(r.stderr):
				problem(strings.Join(j.args, " ") + ": " + r.stderr)
			case j.args[0] == "list":
				var items []map[string]any
				if err := json.Unmarshal([]byte(r.stdout), &items); err != nil {
					problem("torn list: " + r.stdout)
				}
			}
		}()
	}
	wg.Wait()
	for _, p := range problems {
		t.Error(p)
	}

	// Every kept connection still refreshes: its refresh token is the one
	// the provider issued last.
	for _, name := range keep {
		c, err := window.Refresh(ctx, name)
		if err != nil {
			t.Errorf("final refresh of %s (a refresh token was lost): %v", name, err)
			continue
		}
		if c.Status != auth.StatusOK {
			t.Errorf("%s: status %s (%s %s)", name, c.Status, c.Fault, c.FaultDetail)
		}
	}
	for _, name := range gone {
		if _, err := secret.NewKeyring(dir).Get("connection/" + name); !errors.Is(err, secret.ErrNotFound) {
			t.Errorf("removed %s left its secret: %v", name, err)
		}
	}
	if l := listed(t, dir, nil); len(l) != len(keep) {
		t.Errorf("listed after the run: %v", l)
	}
	t.Logf("%d refreshes reached the provider", counter.n.Load())
}
