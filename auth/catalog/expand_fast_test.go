package catalog

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// The written-out checks Expand uses (issue 22) say exactly what the
// expressions they replace say, on the edges and on random text.
func TestWrittenOutChecksMatchTheExpressions(t *testing.T) {
	valueRE := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,62}$`)
	values := []string{"", "a", "-a", "a-", "my-shop", "Shop9", "a.b", "a b", "ä", strings.Repeat("a", 63), strings.Repeat("a", 64), "a\n", "x/y"}
	templates := []string{"https://{domain_prefix}.vendhq.com/api", "{a}", "{a", "{}", "{A}", "{a{b}}", "{_a}", "{a_1}x{b}", "{{a}}", "{a-b}", "}{a}{", "{9}", "{é}"}
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "{}aZ9_-.é/ "
	for range 3000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		values, templates = append(values, b.String()), append(templates, b.String())
	}
	for _, v := range values {
		if got, want := paramValueOK(v), valueRE.MatchString(v); got != want {
			t.Errorf("paramValueOK(%q) = %v, the expression says %v", v, got, want)
		}
	}
	p := Provider{Name: "P"}
	params := map[string]string{"a": "x", "b": "y", "a_1": "z", "domain_prefix": "shop"}
	for _, tmpl := range templates {
		want := placeholderRE().ReplaceAllStringFunc(tmpl, func(ph string) string {
			if v := params[ph[1:len(ph)-1]]; v != "" {
				return v
			}
			return ph
		})
		var got strings.Builder
		for i := 0; i < len(tmpl); {
			if name, end, ok := placeholderAt(tmpl, i); ok {
				v := params[name]
				if v == "" {
					v = tmpl[i:end]
				}
				got.WriteString(v)
				i = end
				continue
			}
			got.WriteByte(tmpl[i])
			i++
		}
		if got.String() != want {
			t.Errorf("%q: placeholders replaced as %q, the expression gives %q", tmpl, got.String(), want)
		}
	}
	if out, err := p.Expand("https://{domain_prefix}.vendhq.com/{a}", params); err != nil || out != "https://shop.vendhq.com/x" {
		t.Errorf("Expand: %q %v", out, err)
	}
}
