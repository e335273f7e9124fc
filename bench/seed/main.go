// Command seed writes a config directory's connection list with N pasted
// connections of mixed providers, methods and expiry dates, for benchmarks.
// It writes metadata only: commands that need a secret are benchmarked on a
// connection added through the CLI, with its secret in the real keyring.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/store"
)

func main() {
	dir := flag.String("dir", "", "config directory to write")
	n := flag.Int("n", 50, "number of connections")
	read := flag.Bool("read", false, "only read the connection list, as every command does first: the floor of `list --json`")
	rows := flag.String("rows", "", "also write the rows bench/reference shows (name, provider and method, countdown, status; tab-separated) to this file")
	flag.Parse()
	if *dir == "" {
		log.Fatal("seed: -dir is required")
	}
	st, err := store.Open(*dir)
	if err != nil {
		log.Fatal(err)
	}
	if *read {
		conns, err := st.Load()
		if err != nil || len(conns) == 0 {
			log.Fatalf("seed: read %s: %d connections, %v", *dir, len(conns), err)
		}
		return
	}
	now := time.Now()
	kinds := []struct {
		provider string
		kind     catalog.Kind
	}{{"vinsight", catalog.KindAPIKey}, {"vend", catalog.KindToken}, {"vinli", catalog.KindBasic}, {"sandbox", catalog.KindToken}}
	err = st.Update(context.Background(), func([]store.Connection) ([]store.Connection, error) {
		conns := make([]store.Connection, *n)
		for i := range conns {
			k := kinds[i%len(kinds)]
			// Spread expiries from 3 days ago to a year ahead so every status
			// and both countdown units occur.
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
		log.Fatal(err)
	}
	if *rows != "" {
		writeRows(*rows, st, now)
	}
}

// writeRows writes one line per connection with the texts a list row of
// Authdeck's window shows, for the reference app to show the same.
func writeRows(path string, st *store.Store, now time.Time) {
	conns, err := st.Load()
	if err != nil {
		log.Fatal(err)
	}
	var b strings.Builder
	for _, c := range conns {
		word, when := "OK", "expires in "+c.ExpiresAt.Sub(now).Round(time.Hour).String()
		if c.ExpiresAt.Before(now) {
			word, when = "Expired", "expired "+now.Sub(*c.ExpiresAt).Round(time.Hour).String()+" ago"
		}
		fmt.Fprintf(&b, "%s\t%s · %s\t%s\t%s\n", c.Name, c.Provider, c.Method, when, word)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		log.Fatal(err)
	}
}
