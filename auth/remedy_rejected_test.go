package auth

import "testing"

// A refused credential is signed in again when it came from a browser
// sign-in and replaced when it was pasted: one choice for both front ends.
func TestRemedyForRejected(t *testing.T) {
	if r := RemedyForRejected(Connection{Method: "oauth"}); r != RemedySignIn {
		t.Errorf("a browser sign-in: %q", r)
	}
	if r := RemedyForRejected(Connection{Method: "api-key"}); r != RemedyReplaceSecret {
		t.Errorf("a pasted key: %q", r)
	}
}
