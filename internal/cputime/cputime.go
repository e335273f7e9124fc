// Package cputime reads the CPU time this process has used, for benchmarks
// on a shared machine: their wall time says mostly how busy the others were,
// their CPU time what the code itself cost.
package cputime

import "time"

// Used is the user and system time the process has used so far; zero where
// the system does not say (see used).
func Used() time.Duration { return used() }
