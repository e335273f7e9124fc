package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"authdeck/auth"
	"authdeck/auth/catalog"
	"authdeck/auth/secret"
	"authdeck/auth/store"
	"authdeck/internal/cputime"
)

// seedList writes n connections like bench/seed does.
func seedList(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Now()
	kinds := []struct {
		provider string
		kind     catalog.Kind
	}{{"vinsight", catalog.KindAPIKey}, {"vend", catalog.KindToken}, {"vinli", catalog.KindBasic}, {"sandbox", catalog.KindToken}}
	err = st.Update(context.Background(), func([]store.Connection) ([]store.Connection, error) {
		conns := make([]store.Connection, n)
		for i := range conns {
			k := kinds[i%len(kinds)]
			at := now.Add(time.Duration(i*37%400-3) * 24 * time.Hour).Add(time.Duration(i) * time.Minute)
			conns[i] = store.Connection{
				Name: fmt.Sprintf("conn-%05d", i), Provider: k.provider, Method: k.kind,
				User: "bench", Params: map[string]string{"domain_prefix": "benchshop"},
				CreatedAt: now, ConnectedAt: &now, ExpiresAt: &at, ExpiresSet: true,
			}
		}
		return conns, nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// BenchmarkListLinear runs `list --json` in process on 1, 1,000 and
// 10,000 connections (as bench/seed writes them), one of each per round,
// and reports what each connection beyond the first costs at 1,000 and at
// 10,000, in CPU time (the wall time on a shared machine says mostly how
// busy the others are) and wall time, and their ratio: 1 is linear. It
// measures; it never fails on a slow machine.
func BenchmarkListLinear(b *testing.B) {
	sizes := []int{1, 1000, 10000}
	dirs := make([]string, len(sizes))
	for i, n := range sizes {
		dirs[i] = seedList(b, n)
	}
	cpu := make([]time.Duration, len(sizes))
	wall := make([]time.Duration, len(sizes))
	for b.Loop() {
		for i, dir := range dirs {
			d := Deps{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &bytes.Buffer{}, Options: auth.Options{ConfigDir: dir, Secrets: secret.NewMemory()}}
			c0, w0 := cputime.Used(), time.Now()
			if code := Run([]string{"list", "--json"}, d); code != 0 {
				b.Fatalf("list --json of %d: exit %d", sizes[i], code)
			}
			cpu[i] += cputime.Used() - c0
			wall[i] += time.Since(w0)
		}
	}
	perConn := func(t []time.Duration, i int) float64 {
		return float64(t[i]-t[0]) / float64(b.N) / float64(sizes[i]-1) / 1e3
	}
	for _, m := range []struct {
		unit string
		t    []time.Duration
	}{{"cpu", cpu}, {"wall", wall}} {
		at1k, at10k := perConn(m.t, 1), perConn(m.t, 2)
		b.ReportMetric(at1k, m.unit+"-µs/conn@1k")
		b.ReportMetric(at10k, m.unit+"-µs/conn@10k")
		b.ReportMetric(at10k/at1k, m.unit+"-10k/1k")
	}
}
