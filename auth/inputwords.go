package auth

import (
	"strings"

	"authdeck/auth/catalog"
)

// The words the core puts in its own messages about what a person gives
// (Error.Msg): a method's secret by its label, where a provider documents
// its values, a label in the middle of a sentence. Plain words for any
// screen; the front ends add their own fields and flags.

// secretOrSignIn names what a method gives in a sentence.
func secretOrSignIn(meth catalog.Method) string {
	if meth.Kind.Browser() {
		return "sign-in"
	}
	return secretLabel(meth)
}

func paramHint(p catalog.Provider) string {
	if len(p.Params) == 0 {
		return ""
	}
	var names []string
	for _, q := range p.Params {
		names = append(names, q.Name)
	}
	return ": it takes " + strings.Join(names, ", ")
}

func docsOr(p catalog.Provider) string { return orDefault(p.DocsURL, "the provider's developer site") }

func secretLabel(m catalog.Method) string {
	return lowerWords(orDefault(m.SecretLabel, "secret"))
}

// lowerWords puts a label into the middle of a sentence: "Personal token"
// becomes "personal token", but an acronym stays as it is ("API key",
// "app ID").
func lowerWords(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if len(w) < 2 || strings.ToUpper(w) != w {
			words[i] = strings.ToLower(w)
		}
	}
	return strings.Join(words, " ")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
