package oauth

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

// BenchmarkCallbackToToken times the path from the browser's callback
// request to the Token returned by Authorize: state check, token request
// to an in-process provider that answers at once, normalisation. Setting up
// the listener is not timed. Besides ns/op it reports the median.
func BenchmarkCallbackToToken(b *testing.B) {
	g := newGeneric(b)
	c := &Client{}
	cfg := g.config()
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	var samples []time.Duration
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		var start time.Time
		opened := make(chan error, 1)
		open := func(authorizeURL string) error {
			u, _ := url.Parse(authorizeURL)
			q := u.Query()
			cb := q.Get("redirect_uri") + "?" + url.Values{"code": {"the-code"}, "state": {q.Get("state")}}.Encode()
			start = time.Now()
			b.StartTimer()
			resp, err := hc.Get(cb)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			opened <- err
			return err
		}
		res, err := c.Authorize(context.Background(), cfg, AuthorizeOptions{Open: open})
		b.StopTimer()
		samples = append(samples, time.Since(start))
		if err != nil || res.Token.AccessToken != "the-token" {
			b.Fatalf("flow %d: %v", i, err)
		}
		if err := <-opened; err != nil {
			b.Fatal(err)
		}
	}
	slices.Sort(samples)
	b.ReportMetric(float64(samples[len(samples)/2].Nanoseconds()), "median-ns")
}
