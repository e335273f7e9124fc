// Command runs times commands for `make bench`: R rounds, each running every
// command once, the order rotating from round to round so that a busy moment
// of a shared machine falls on all of them alike. For each command it
// reports the wall time and the CPU time (user+system, from the kernel's
// accounting of the finished child) of every run, as a median and a spread;
// for each requested pair, the same of the per-round ratios.
//
//	runs -rounds 41 -ratio header/lookup -- \
//	    header AUTHDECK_CONFIG_DIR=/tmp/c bin/authdeck header bench :: \
//	    lookup secret-tool lookup service s username u
//
// Each command is a name, optional NAME=value environment settings, then the
// program and its arguments; commands are separated by "::". The result is
// one JSON object on standard output (read with jq in scripts/bench.sh).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

type command struct {
	name string
	env  []string
	argv []string
	wall []float64 // ms, one per round
	cpu  []float64 // ms, one per round
}

// Stats is a median and the spread around it, in the unit of the samples.
type Stats struct {
	Median float64 `json:"median"`
	P10    float64 `json:"p10"`
	P90    float64 `json:"p90"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	N      int     `json:"n"`
}

// Figures are the wall and CPU statistics of one command or one ratio.
type Figures struct {
	Wall Stats `json:"wall"`
	CPU  Stats `json:"cpu"`
}

func main() {
	rounds := flag.Int("rounds", 21, "rounds (each runs every command once)")
	warmup := flag.Int("warmup", 2, "untimed rounds first (page cache, keyring daemon)")
	var ratios multi
	flag.Var(&ratios, "ratio", "A/B: also report the per-round ratio of command A to command B (repeatable)")
	flag.Parse()
	cmds, err := parse(flag.Args())
	if err != nil {
		log.Fatalf("runs: %v", err)
	}
	for r := -*warmup; r < *rounds; r++ {
		for i := range cmds {
			c := cmds[(i+max(r, 0))%len(cmds)]
			wall, cpu, err := once(c)
			if err != nil {
				log.Fatalf("runs: %s: %v", c.name, err)
			}
			if r >= 0 {
				c.wall, c.cpu = append(c.wall, wall), append(c.cpu, cpu)
			}
		}
	}
	out := map[string]any{"rounds": *rounds}
	byName := map[string]*command{}
	res := map[string]Figures{}
	for _, c := range cmds {
		byName[c.name] = c
		res[c.name] = Figures{Wall: stats(c.wall), CPU: stats(c.cpu)}
	}
	out["commands"] = res
	rat := map[string]Figures{}
	for _, pair := range ratios {
		a, b, _ := strings.Cut(pair, "/")
		ca, cb := byName[a], byName[b]
		if ca == nil || cb == nil {
			log.Fatalf("runs: -ratio %s: no such command", pair)
		}
		rat[pair] = Figures{Wall: stats(divide(ca.wall, cb.wall)), CPU: stats(divide(ca.cpu, cb.cpu))}
	}
	out["ratios"] = rat
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		log.Fatal(err)
	}
}

// once runs c and returns its wall and CPU time in milliseconds.
func once(c *command) (wall, cpu float64, err error) {
	cmd := exec.Command(c.argv[0], c.argv[1:]...) // #nosec G204 -- the benchmark's own command lines
	cmd.Env = append(os.Environ(), c.env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	wall = float64(time.Since(t0)) / 1e6
	cpu = float64(cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime()) / 1e6
	return wall, cpu, nil
}

func parse(args []string) ([]*command, error) {
	var cmds []*command
	for len(args) > 0 {
		part := args
		if i := slices.Index(args, "::"); i >= 0 {
			part, args = args[:i], args[i+1:]
		} else {
			args = nil
		}
		if len(part) < 2 {
			return nil, fmt.Errorf("each command needs a name and a program: %q", part)
		}
		c := &command{name: part[0]}
		part = part[1:]
		for len(part) > 1 && strings.Contains(part[0], "=") && !strings.HasPrefix(part[0], "-") {
			c.env, part = append(c.env, part[0]), part[1:]
		}
		c.argv = part
		cmds = append(cmds, c)
	}
	if len(cmds) == 0 {
		return nil, fmt.Errorf("no commands")
	}
	return cmds, nil
}

func divide(a, b []float64) []float64 {
	r := make([]float64, len(a))
	for i := range a {
		r[i] = a[i] / b[i]
	}
	return r
}

func stats(xs []float64) Stats {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return Stats{}
	}
	return Stats{Median: quantile(s, 0.5), P10: quantile(s, 0.1), P90: quantile(s, 0.9), Min: s[0], Max: s[len(s)-1], N: len(s)}
}

// quantile interpolates linearly between the two nearest samples.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return sorted[lo] + (sorted[hi]-sorted[lo])*(pos-float64(lo))
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }
