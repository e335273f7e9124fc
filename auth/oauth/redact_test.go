package oauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"authdeck/auth/catalog"
)

// Issue 13.2: a provider that echoes the request in its error never gets a
// secret the request carried into Authdeck's error, in any form: the Basic
// header, the base64 of id:secret alone, the secret URL-escaped or inside a
// JSON string, the code, the PKCE verifier, the refresh token.
func TestEchoedCredentialsRedacted(t *testing.T) {
	const id, secret = "echo-client", `s3cr3t/+&"<x>=`
	pair := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret)))
	jsonSecret, _ := json.Marshal(secret)
	echoes := map[string]func(r *http.Request) (string, string){
		"authorization header": func(r *http.Request) (string, string) {
			return "text/plain", "refused request with Authorization: " + r.Header.Get("Authorization")
		},
		"base64 alone": func(r *http.Request) (string, string) {
			return "text/plain", "bad credentials " + strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
		},
		"json error description": func(r *http.Request) (string, string) {
			_ = r.ParseForm()
			b, _ := json.Marshal(map[string]string{"error": "invalid_request", "error_description": "got " + r.PostForm.Encode() + " from client with secret " + secret})
			return "application/json", string(b)
		},
		"raw json body": func(r *http.Request) (string, string) {
			return "application/json", `{"message":"secret was ` + strings.Trim(string(jsonSecret), `"`) + `"}`
		},
		"url-escaped": func(r *http.Request) (string, string) {
			_ = r.ParseForm()
			return "text/html", "<html><title>400</title><body>Bad request: " + r.PostForm.Encode() + " secret=" + url.QueryEscape(secret) + "</body></html>"
		},
	}
	for name, echo := range echoes {
		t.Run(name, func(t *testing.T) {
			var verifier, refresh string
			mux := http.NewServeMux()
			mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
				redirectBack(w, r, url.Values{"code": {"single-use-code-0123"}, "state": {r.URL.Query().Get("state")}})
			})
			mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
				_ = r.ParseForm()
				verifier, refresh = r.PostForm.Get("code_verifier"), r.PostForm.Get("refresh_token")
				ct, body := echo(r)
				w.Header().Set("Content-Type", ct)
				w.WriteHeader(400)
				fmt.Fprint(w, body, " verifier=", verifier, " refresh=", refresh)
			})
			ts := httptest.NewServer(mux)
			defer ts.Close()
			def := fmt.Sprintf(`{"id":"echo","name":"Echo","methods":[{"kind":"oauth","label":"Sign in","authorize_url":%q,"token_url":%q,
				"client_auth":"basic","pkce":true,"refresh":true,"apply":{"header":"Authorization","scheme":"Bearer"}}]}`, ts.URL+"/authorize", ts.URL+"/token")
			p, err := catalog.Parse([]byte(def), "providers.d/echo.json")
			if err != nil {
				t.Fatal(err)
			}
			cfg := Config{Provider: p, Method: p.Methods[0], ClientID: id, ClientSecret: secret, RedirectURI: anyPort + "echo"}
			b := newBrowser(t, nil)
			_, err = (&Client{}).Authorize(withTimeout(t, 10*time.Second), cfg, AuthorizeOptions{Open: b.Open})
			checkRedacted(t, err, secret, pair, url.QueryEscape(secret), string(jsonSecret[1:len(jsonSecret)-1]), "single-use-code-0123", verifier)
			assertPage(t, b.lastVisit(), 400, "Could not connect to Echo", secret, pair, url.QueryEscape(secret), "single-use-code-0123")

			_, err = (&Client{}).Refresh(context.Background(), cfg, "refresh-token-value-42")
			checkRedacted(t, err, secret, pair, url.QueryEscape(secret), "refresh-token-value-42")
		})
	}
}

func checkRedacted(t *testing.T, err error, forms ...string) {
	t.Helper()
	var pe *ProviderError
	if !errors.As(err, &pe) || pe.Status != 400 {
		t.Fatalf("err = %v, want a ProviderError 400", err)
	}
	msg := err.Error() + " " + pe.Code + " " + pe.Description
	for _, f := range forms {
		if f != "" && strings.Contains(msg, f) {
			t.Errorf("the error holds %q: %s", f, msg)
		}
	}
	if !strings.Contains(msg, "[redacted]") {
		t.Errorf("the error shows no [redacted] marker: %s", msg)
	}
}

// A token request that gets no answer names the host, never the URL: the
// query dialect (Vinsight) carries the secret and the code there.
func TestNetworkErrorHoldsNoSecret(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	p, m := repoint(t, builtin(t, "vinsight"), catalog.KindOAuth, func(m *catalog.Method) {
		m.TokenURL = "http://" + addr + "/oauth/access_token"
	})
	f, _ := resolve(Config{Provider: p, Method: m, ClientID: "cid", ClientSecret: "vinsight-secret-value"})
	_, err = (&Client{}).requestToken(context.Background(), f, m.TokenURL, grant{kind: "authorization_code", code: "the-code-value", redirectURI: "http://127.0.0.1:1/cb"})
	if err == nil || strings.Contains(err.Error(), "vinsight-secret-value") || strings.Contains(err.Error(), "the-code-value") || strings.Contains(err.Error(), "access_token?") {
		t.Fatalf("err = %v, want no URL and no secret", err)
	}
	if want := "could not reach " + addr + ": connection refused"; !strings.Contains(err.Error(), want) {
		t.Errorf("err = %q, want the shared network words %q", err, want)
	}
}

// Issue 20.3: redaction runs on the whole answer before it is cut. A token
// endpoint's error page with ~285 characters before the echoed secret kept
// 15 characters of it (the excerpt was cut at 300 first), and so did an
// error_description in a 200 answer; other escapes of the secret too.
func TestTokenErrorRedactedBeforeTheCut(t *testing.T) {
	const secret = "Sup3rS3cretValue/with~tilde+plus"
	f := flowConfig{Config: Config{ClientSecret: secret, Method: catalog.Method{Kind: catalog.KindOAuth}}, clientID: "id", name: "Acme"}
	g := grant{kind: "authorization_code", code: "the-code-123"}
	pad := strings.Repeat("x", 285)
	lower := strings.ToLower(url.QueryEscape(secret))
	bodies := []struct{ name, ct, body string }{
		{"html page", "text/html", "<html><body><p>" + pad + " " + secret + "</p></body></html>"},
		{"plain text", "text/plain", pad + " " + secret},
		{"lower-case escapes", "text/plain", pad + " " + lower},
		{"json \\/", "application/json", `{"error":"invalid_client","error_description":"` + pad + " " + strings.ReplaceAll(secret, "/", `\/`) + `"}`},
	}
	for _, b := range bodies {
		for _, status := range []int{400, 200} {
			if status == 200 && b.ct != "application/json" {
				continue
			}
			_, err := (&Client{}).interpret(f, g, &tokenReply{status: status, contentType: b.ct, body: []byte(b.body)})
			if err == nil {
				t.Fatalf("%s: no error", b.name)
			}
			msg := err.Error()
			for i := 0; i+8 <= len(secret); i++ {
				if strings.Contains(msg, secret[i:i+8]) {
					t.Errorf("%s (HTTP %d): the message keeps %q of the secret: %s", b.name, status, secret[i:i+8], msg)
					break
				}
			}
		}
	}
}
