package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// initLine is one line of GODEBUG=inittrace=1: a package's initialisers,
// what they took and what they allocated.
var initLine = regexp.MustCompile(`^init (\S+) @\S+ ms, \S+ ms clock, (\d+) bytes, (\d+) allocs$`)

// TestCommandsStartWithoutWork holds every command to paying only for
// what it uses (issue 22): Authdeck's own packages do no work when the
// program starts — no regular expression compiled, no template parsed, no
// catalog read — but on first use. Allocations are counted, not timed, so
// the test means the same on a busy machine. It runs this test binary
// again, which links every package the command does, and reads the
// runtime's trace of the initialisers.
// linkedForNothing are packages whose initialisers every command paid for
// while no command needed them (issue 22); they must not come back.
var linkedForNothing = []struct{ pkg, why string }{
	{"github.com/hashicorp", "the official Vault client cost ~0.8 ms and 3,400 allocations; auth/team has its own small KV v2 client and the official one is for tests only"},
	{"html/template", "its escaper tables cost ~0.1 ms and 90 allocations; the callback and consent pages escape their few words with html.EscapeString"},
}

func TestCommandsStartWithoutWork(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "-test.run=^$") // #nosec G204 -- this test binary
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	const maxAllocs, maxBytes = 20, 2048
	seen := 0
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		m := initLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		for _, heavy := range linkedForNothing {
			if m[1] == heavy.pkg || strings.HasPrefix(m[1], heavy.pkg+"/") {
				t.Errorf("%s runs its initialisers in every command again: %s", m[1], heavy.why)
			}
		}
		if !strings.HasPrefix(m[1], "authdeck/") || m[1] == "authdeck/internal/oneproc" {
			continue // oneproc's one call is its point: it gives the second processor back
		}
		seen++
		bytes, _ := strconv.Atoi(m[2])
		allocs, _ := strconv.Atoi(m[3])
		if allocs > maxAllocs || bytes > maxBytes {
			t.Errorf("%s allocates %d bytes in %d allocations when the program starts (at most %d and %d): "+
				"make the package-level value on first use (sync.OnceValue)", m[1], bytes, allocs, maxBytes, maxAllocs)
		}
	}
	if seen < 3 {
		t.Fatalf("the trace names %d of Authdeck's packages; expected the core's:\n%s", seen, stderr.String())
	}
}

// A command runs on one processor (authdeck/internal/oneproc), and the
// runtime neither sizes itself to the container's CPU quota before main
// nor re-checks it (main.go's //go:debug lines): a command waits, and the
// second processor only added thread hand-offs and page faults (issue 22).
func TestCommandsRunOnOneProcessor(t *testing.T) {
	if _, set := os.LookupEnv("GOMAXPROCS"); !set && runtime.GOMAXPROCS(0) != 1 {
		t.Errorf("GOMAXPROCS is %d", runtime.GOMAXPROCS(0))
	}
	info, _ := debug.ReadBuildInfo()
	var godebug string
	for _, s := range info.Settings {
		if s.Key == "DefaultGODEBUG" {
			godebug = s.Value
		}
	}
	for _, want := range []string{"containermaxprocs=0", "updatemaxprocs=0"} {
		if !strings.Contains(godebug, want) {
			t.Errorf("the program's default GODEBUG %q lacks %s", godebug, want)
		}
	}
}
