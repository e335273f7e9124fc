// Package network says why a request to a provider got no answer, in
// one phrasing wherever it happens: the token request, the credential
// check and the session login.
package network

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
	"syscall"

	"authdeck/auth/sanitize"
)

// Words says in one phrase why no answer came from host, naming the
// host and never the URL (a query may carry a credential). It states what
// happened: the remedy (try again) is the front end's, by the error's Kind. The token
// request, the credential check and the session login all use it, so a
// network problem reads the same wherever it happens.
func Words(ctx context.Context, err error, host string) string {
	var dns *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		return "the request to " + host + " was cancelled"
	case TimedOut(err):
		return "timed out — " + host + " did not answer"
	case errors.As(err, &dns) && dns.IsNotFound:
		return "could not reach " + host + ": no such host"
	case errors.As(err, &dns):
		return "could not reach " + host + ": the name could not be looked up"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "could not reach " + host + ": connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "could not reach " + host + ": the connection was reset"
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return "could not reach " + host + ": the network is unreachable"
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid):
		return "could not reach " + host + " safely: its certificate is not trusted (a wrong address, or a network that intercepts connections)"
	case err == nil:
		return "could not reach " + host
	}
	// Report the cause without url.Error's text, which quotes the whole URL.
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return "could not reach " + host + ": " + sanitize.Line(err.Error())
}

// TimedOut reports whether err is a deadline or a network timeout.
func TimedOut(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout())
}

// NoSuchHost reports whether err says the host's name does not exist: a
// wrong address (a mistyped store name) far more often than a passing
// failure, so trying again does not help.
func NoSuchHost(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns) && dns.IsNotFound
}
