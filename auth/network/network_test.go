package network

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"
)

// Issue 16.6: one network-error phrasing for the token request, the check
// and the session login; it names the host, never the URL, and shows no
// control characters from the error's text.
func TestWords(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	bg := context.Background()
	urlErr := func(err error) error {
		return &url.Error{Op: "Post", URL: "https://h.example/token?client_secret=s3cret", Err: err}
	}
	for _, tc := range []struct {
		name string
		ctx  context.Context
		err  error
		want string
	}{
		{"cancelled", canceled, urlErr(context.Canceled), "the request to h.example was cancelled"},
		{"timeout", bg, urlErr(context.DeadlineExceeded), "timed out — h.example did not answer"},
		{"no such host", bg, urlErr(&net.DNSError{Err: "no such host", Name: "h.example", IsNotFound: true}), "could not reach h.example: no such host"},
		{"refused", bg, urlErr(&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), "could not reach h.example: connection refused"},
		{"other", bg, urlErr(errors.New("odd\x1b[2J failure")), `could not reach h.example: odd\x1b[2J failure`},
	} {
		got := Words(tc.ctx, tc.err, "h.example")
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if strings.Contains(got, "s3cret") || strings.Contains(got, "/token") {
			t.Errorf("%s: %q quotes the URL", tc.name, got)
		}
	}
}
