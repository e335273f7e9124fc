package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Issue 20.3: control characters in the user name, the client ID and the
// scopes are refused where they enter (they came out raw in list --json,
// and a raw ESC reached the terminal through jq -r), each naming its field.
func TestAddRefusesControlCharactersInTypedFields(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	cases := []struct {
		name string
		req  AddRequest
		in   Input
	}{
		{"user", AddRequest{Name: "u", Provider: "vinli", Method: "basic", User: "app\x1b[2J", Secret: "s3cret"}, InputUser},
		{"client id", AddRequest{Name: "c", Provider: "vinsight", ClientID: "app\u202eevil", Secret: "cs"}, InputClientID},
		{"scope", AddRequest{Name: "s", Provider: "vinsight", ClientID: "app", Secret: "cs", Scopes: []string{"read_contacts", "x\x07"}}, InputScopes},
	}
	for _, c := range cases {
		_, err := f.m.Add(ctx, c.req)
		var e *Error
		if !errors.As(err, &e) || e.Input != c.in {
			t.Errorf("%s: err = %v, want a refusal of %s", c.name, err, c.in)
			continue
		}
		if strings.ContainsAny(err.Error(), "\x1b\x07\u202e") {
			t.Errorf("%s: the refusal itself carries the raw character: %q", c.name, err.Error())
		}
	}
	list, _ := f.m.List()
	if len(list) != 0 {
		t.Errorf("refused connections were stored: %+v", list)
	}
}
