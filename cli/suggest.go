package cli

import (
	"sort"
	"strings"
)

// suggester offers the stored connection names closest to a mistyped one.
func suggester(d *Deps) func(string) []string {
	return func(typed string) []string { return closest(typed, d.connectionNames()) }
}

// connectionNames are the stored connection names (metadata only: no
// keyring, no network), for suggestions and completion.
func (d *Deps) connectionNames() []string {
	m, err := d.open()
	if err != nil {
		return nil
	}
	defer m.Close()
	conns, _ := m.List()
	names := make([]string, len(conns))
	for i, c := range conns {
		names[i] = c.Name
	}
	return names
}

// closest returns up to three names within a small edit distance of typed
// (or that it starts or ends), nearest first, quoted for a shell.
func closest(typed string, names []string) []string {
	type near struct {
		name string
		dist int
	}
	var found []near
	low := strings.ToLower(typed)
	limit := max(2, len(typed)/3)
	for _, n := range names {
		ln := strings.ToLower(n)
		d := editDistance(low, ln)
		if typed != "" && (strings.HasPrefix(ln, low) || strings.HasSuffix(ln, low)) {
			d = min(d, 1)
		}
		if d <= limit {
			found = append(found, near{n, d})
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].dist < found[j].dist })
	var out []string
	for i := 0; i < len(found) && i < 3; i++ {
		out = append(out, shellArg(found[i].name))
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, by runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
