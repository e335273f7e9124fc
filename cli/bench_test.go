package cli

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"authdeck/auth/store"
)

// BenchmarkConcurrentHeaderRefresh runs 20 `authdeck header` processes at
// once on an expired, rotating sandbox token and compares their wall time
// with one process doing the same refresh alone. It reports refreshes per
// round (must be exactly 1) and the ratio of the medians.
func BenchmarkConcurrentHeaderRefresh(b *testing.B) {
	requireKeyring(b)
	dir := b.TempDir()
	counter := sandboxDemo(b, dir)
	if r := connectWith(b, dir, "approve"); r.code != 0 {
		b.Fatalf("connect: %+v", r)
	}
	st, _ := store.Open(dir)
	expire := func() {
		past := time.Now().Add(-time.Minute)
		if err := st.Update(context.Background(), func(c []store.Connection) ([]store.Connection, error) {
			c[0].ExpiresAt = &past
			return c, nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	// headers runs n processes at once; it returns the wall time and the
	// CPU time they used together.
	var cpuMu sync.Mutex
	headers := func(n int) (wall, cpu time.Duration) {
		start := time.Now()
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := exec.Command(os.Args[0], "header", "demo")
				cmd.Env = append(os.Environ(), "AUTHDECK_CLI_CHILD=1", "AUTHDECK_CONFIG_DIR="+dir)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Errorf("header: %v: %s", err, out)
				}
				cpuMu.Lock()
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				cpuMu.Unlock()
			}()
		}
		wg.Wait()
		return time.Since(start), cpu
	}
	var one, twenty, floor []time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		expire()
		before := counter.n.Load()
		b.StartTimer()
		wall, _ := headers(1)
		one = append(one, wall)
		b.StopTimer()
		expire()
		b.StartTimer()
		wall, cpu := headers(20)
		twenty = append(twenty, wall)
		b.StopTimer()
		// The processes cannot finish before their CPU time, spread over
		// every core, has been served: the floor for running 20 at once.
		floor = append(floor, cpu/time.Duration(runtime.NumCPU()))
		if got := counter.n.Load() - before; got != 2 {
			b.Fatalf("%d refreshes for one call plus 20 concurrent calls, want 2", got)
		}
	}
	slices.Sort(one)
	slices.Sort(twenty)
	slices.Sort(floor)
	b.ReportMetric(float64(floor[len(floor)/2].Milliseconds()), "cpu-floor-ms")
	b.ReportMetric(1, "refreshes/20-calls")
	b.ReportMetric(float64(one[len(one)/2].Milliseconds()), "one-call-ms")
	b.ReportMetric(float64(twenty[len(twenty)/2].Milliseconds()), "twenty-calls-ms")
	b.ReportMetric(float64(twenty[len(twenty)/2])/float64(one[len(one)/2]), "ratio")
}
