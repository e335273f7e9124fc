package auth

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"

	"authdeck/auth/catalog"
)

// Issue 20.4, what the provider documents say, held at add.
func TestAddFollowsTheProviderDocuments(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	// A Vend personal token without its store failed only at check.
	_, err := f.m.Add(ctx, AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Secret: "tok"})
	if e, ok := AsError(err); !ok || e.Input != InputParam || e.Param != "domain_prefix" || !strings.Contains(e.Msg, "store address") {
		t.Errorf("a Vend token without its store: %v", err)
	}
	// "Currently, the Vend API does not support scopes": stored, never sent.
	_, err = f.m.Add(ctx, AddRequest{Name: "shop", Provider: "vend", ClientID: "c", Secret: "s", Scopes: []string{"read"}})
	if e, ok := AsError(err); !ok || e.Input != InputScopes {
		t.Errorf("scopes for Vend: %v", err)
	}
	_, err = f.m.Add(ctx, AddRequest{Name: "key", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "k", Scopes: []string{"read_contacts"}})
	if e, ok := AsError(err); !ok || e.Input != InputScopes {
		t.Errorf("scopes for a pasted key: %v", err)
	}
	// Issue 21.9: the store address pasted whole gives the store.
	c, err := f.m.Add(ctx, AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Secret: "tok",
		Params: map[string]string{"domain_prefix": "https://myshop.vendhq.com/"}})
	if err != nil || c.Params["domain_prefix"] != "myshop" {
		t.Errorf("a pasted store address: %+v, %v", c.Params, err)
	}
	if _, err := f.m.Add(ctx, AddRequest{Name: "evil", Provider: "vend", Method: catalog.KindToken, Secret: "tok",
		Params: map[string]string{"domain_prefix": "https://myshop.vendhq.com.evil.example/"}}); err == nil {
		t.Error("an address of another host gave a store")
	}
}

// Issue 20.4: Vinsight's cookie login as its document writes it,
// "curl -u youremail%40yourdomain.com:yourpassword --data "" …".
func TestVinsightCookieLoginFollowsTheDocument(t *testing.T) {
	var sent string
	f := newFixture(t, Options{HTTP: &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		if r.URL.Path == "/LoginContexts" {
			raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.Header.Get("Authorization"), "Basic "))
			sent = string(raw)
			return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("{}")),
				Header: http.Header{"Set-Cookie": {"sid=s1"}}}, nil
		}
		return &http.Response{StatusCode: http.StatusNotFound, Body: io.NopCloser(strings.NewReader("")), Header: http.Header{}}, nil
	})}})
	ctx := context.Background()
	if _, err := f.m.Add(ctx, AddRequest{Name: "cellar", Provider: "vinsight", Method: catalog.KindSession, User: "ann@winery.example", Secret: "pw"}); err != nil {
		t.Fatal(err)
	}
	cred, err := f.m.Credential(ctx, "cellar")
	if err != nil {
		t.Fatal(err)
	}
	if sent != "ann%40winery.example:pw" || cred.Value != "sid=s1" {
		t.Fatalf("login sent %q, credential %q", sent, cred.Value)
	}
}
