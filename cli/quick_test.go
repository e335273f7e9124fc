package cli

import (
	"strings"
	"testing"
)

// A header asked for by a script builds its own command alone (issue 22:
// the others were a tenth of its page faults); help, a mistyped name and
// every other command get the whole tree, so that help lists everything
// and a mistake gets suggestions.
func TestQuickCommandsAreBuiltAlone(t *testing.T) {
	d := &Deps{}
	for _, tc := range []struct {
		args  string
		alone bool
	}{
		{"header shop", true}, {"curl shop https://x.example/a", true}, {"token shop --json", true}, {"snippet shop --format env", true},
		{"header --help", false}, {"header shop -h", false}, {"snippet shop -- x", false},
		{"heade shop", false}, {"list", false}, {"--version", false}, {"completion bash", false}, {"__complete header s", false},
	} {
		root := newRoot(d, strings.Fields(tc.args))
		n := len(root.Commands())
		if alone := n == 1; alone != tc.alone {
			t.Errorf("%q: %d commands built; want alone=%v", tc.args, n, tc.alone)
		}
	}
}
