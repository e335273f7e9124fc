package auth

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/oauth"
	"authdeck/auth/secret"
)

// BenchmarkStoreAuthorized times the second half of "callback arrival →
// token stored": from the tokens in hand to the keyring item and metadata
// written (oauth's BenchmarkCallbackToToken times the first half). With
// AUTHDECK_BENCH_KEYRING=1 it writes to the real OS keyring, as `make
// bench` does; otherwise to memory. Besides ns/op it reports the median.
func BenchmarkStoreAuthorized(b *testing.B) {
	opts := Options{ConfigDir: b.TempDir(), Secrets: secret.NewMemory()}
	if os.Getenv("AUTHDECK_BENCH_KEYRING") == "1" {
		opts.Secrets = nil
	}
	m, err := Open(opts)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := m.Add(ctx, AddRequest{Name: "demo", Provider: "sandbox"}); err != nil {
		b.Fatal(err)
	}
	defer m.Remove(ctx, "demo")
	cn, err := m.resolve("demo")
	if err != nil {
		b.Fatal(err)
	}
	c := cn.Connection
	res := oauth.Result{Token: oauth.Token{
		AccessToken: "at-0123456789abcdef0123456789abcdef", RefreshToken: "rt-0123456789abcdef0123456789abcdef",
		ExpiresAt: time.Now().Add(10 * time.Minute), Scopes: []string{"profile"},
	}}
	samples := make([]time.Duration, 0, b.N)
	writes := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if _, err := m.storeAuthorized(ctx, cn, secrets{}, res); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
		// The keyring's own write of the same item, timed alone: the floor
		// that no code of ours can go below.
		b.StopTimer()
		start = time.Now()
		if err := m.writeSecrets(c, secrets{AccessToken: res.Token.AccessToken, RefreshToken: res.Token.RefreshToken}); err != nil {
			b.Fatal(err)
		}
		writes = append(writes, time.Since(start))
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(samples)
	slices.Sort(writes)
	b.ReportMetric(float64(samples[len(samples)/2].Nanoseconds()), "median-ns")
	b.ReportMetric(float64(writes[len(writes)/2].Nanoseconds()), "keyring-write-ns")
	if got, _ := m.Get("demo"); got.Status != StatusOK || got.Method != catalog.KindOAuth {
		b.Fatalf("not stored: %+v", got)
	}
}
