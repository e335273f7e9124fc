package session

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// hostileCert makes a certificate whose names carry ESC and BEL (an
// IA5String allows any ASCII) and a client that trusts it.
func hostileCert(t *testing.T) (tls.Certificate, *http.Client) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "hostile"},
		DNSNames:     []string{"\x1b]0;pwned\x07.example", "\x1b[2J.example"},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, hc
}

// A server's certificate names are outside text: the x509 error quotes
// them, and before they reached the terminal raw through the sign-in error.
func TestLoginErrorShowsNoControlCharacters(t *testing.T) {
	cert, hc := hostileCert(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	defer srv.Close()
	_, err := Login(context.Background(), hc, srv.URL+"/login", email, password)
	if err == nil {
		t.Fatal("signed in to a server whose certificate names another host")
	}
	if strings.ContainsAny(err.Error(), "\x1b\x07") {
		t.Fatalf("the error carries control characters: %q", err)
	}
	if !strings.Contains(err.Error(), "certificate is not trusted") {
		t.Fatalf("error %q", err)
	}
}

// The error a caller gets matches the sentinel kinds, and unwrapping it
// reaches nothing but them.
func TestLoginErrorUnwrapsOnlyToItsKind(t *testing.T) {
	_, srv := newProvider(t)
	_, err := Login(context.Background(), srv.Client(), srv.URL+"/LoginContexts?accept-types=json", email, "wrong-password")
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	if inner := errors.Unwrap(err); inner != ErrRejected {
		t.Fatalf("unwraps to %v", inner)
	}
}

// A server that answers with a 200 KB status line made a 200 KB error (Go
// quotes the line), shown and stored with the connection's status.
func TestLoginErrorIsBounded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = c.Read(make([]byte, 4096))
		_, _ = c.Write([]byte("HTTP/1.1 2" + strings.Repeat("9", 200<<10) + " OK\r\nContent-Length: 0\r\n\r\n"))
	}()
	_, err = Login(context.Background(), &http.Client{Timeout: 5 * time.Second}, "http://"+ln.Addr().String()+"/login", email, password)
	if err == nil || len(err.Error()) > 1000 {
		t.Fatalf("error of %d bytes", len(fmt.Sprint(err)))
	}
}

// Whatever a login error comes to quote, no form of the password survives:
// raw, URL-escaped, JSON-escaped, or the Basic header's base64 of the pair.
func TestLoginErrorsAreRedacted(t *testing.T) {
	pair := email + ":" + password
	basic := base64.StdEncoding.EncodeToString([]byte(pair))
	jsonPW, _ := json.Marshal(password)
	forms := []string{password, url.QueryEscape(password), strings.Trim(string(jsonPW), `"`), basic, pair}
	err := cleanError(fmt.Errorf("%w: the server said %s", ErrRejected, strings.Join(forms, " | ")), pair, password)
	for _, f := range forms {
		if strings.Contains(err.Error(), f) {
			t.Fatalf("%q shows %q", err, f)
		}
	}
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("%v lost its kind", err)
	}
}

// A login answer that sets megabytes of cookies is refused rather than kept
// in the keyring and sent with every request.
func TestLoginRefusesHugeCookies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 300 {
			http.SetCookie(w, &http.Cookie{Name: fmt.Sprintf("c%d", i), Value: strings.Repeat("v", 3000)})
		}
	}))
	defer srv.Close()
	cookie, err := Login(context.Background(), srv.Client(), srv.URL+"/login", email, password)
	if err == nil || cookie != "" || !strings.Contains(err.Error(), "more than a session needs") {
		t.Fatalf("kept %d bytes of cookies, err %v", len(cookie), err)
	}
}
