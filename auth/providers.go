package auth

import (
	"bytes"
	"fmt"
	"strings"

	"authdeck/auth/catalog"
)

// A provider definition is never replaced by accident: SaveProvider adds a
// new one and refuses an id that exists (a built-in included), saying how
// many connections use it; ReplaceProvider is the separate, explicit act,
// told how many connections the person was shown. Connections keep the
// addresses they were bound to either way (auth/bound.go).

// ProviderUsers names the connections that use the provider id.
func (cat *Catalog) ProviderUsers(id string) (_ []string, err error) {
	defer classify(&err)
	m := cat.m
	conns, err := m.store.Load()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range conns {
		if c.Provider == id {
			names = append(names, c.Name)
		}
	}
	return names, nil
}

// SaveProvider adds a definition to providers.d and returns its path. An
// id already in the catalog is refused (RemedyReplaceProvider), unless the
// definition is the same as the one there: then nothing is written.
func (cat *Catalog) SaveProvider(p catalog.Provider) (_ string, err error) {
	defer classify(&err)
	m := cat.m
	old, ok := m.catalog.Load().Lookup(p.ID)
	if !ok {
		return m.writeProvider(p)
	}
	if sameDefinition(old, p) {
		if old.BuiltIn() {
			return old.Source, nil
		}
		return m.Catalog().ProviderFile(p.ID), nil
	}
	users, err := m.Catalog().ProviderUsers(p.ID)
	if err != nil {
		return "", err
	}
	return "", &Error{Input: InputProvider, Remedy: RemedyReplaceProvider,
		Msg: fmt.Sprintf("there is already a provider %q (%s, %s), %s: Authdeck replaces a definition only when asked to", p.ID, old.Name, sourceWords(old), usedBy(users))}
}

// ReplaceProvider replaces the definition with p's id by p, on the
// person's explicit word. users is how many connections the person was told
// use it; if that changed meanwhile, nothing is replaced. Those connections
// stay bound to their old addresses until each signs in again.
func (cat *Catalog) ReplaceProvider(p catalog.Provider, users int) (_ string, err error) {
	defer classify(&err)
	m := cat.m
	names, err := m.Catalog().ProviderUsers(p.ID)
	if err != nil {
		return "", err
	}
	if len(names) != users {
		return "", &Error{Input: InputProvider, Remedy: RemedyReplaceProvider,
			Msg: fmt.Sprintf("provider %q is %s, not %d as you were told: nothing was replaced; look again", p.ID, usedBy(names), users)}
	}
	return m.writeProvider(p)
}

// sameDefinition reports whether two definitions say the same thing.
func sameDefinition(a, b catalog.Provider) bool {
	x, errA := catalog.Marshal(a)
	y, errB := catalog.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}

func sourceWords(p catalog.Provider) string {
	if p.BuiltIn() {
		return "built into Authdeck"
	}
	return "from " + p.Source
}

// usedBy says how many connections use a provider, naming a few.
func usedBy(names []string) string {
	switch len(names) {
	case 0:
		return "used by no connection"
	case 1:
		return fmt.Sprintf("used by 1 connection (%s)", names[0])
	}
	shown := names
	more := ""
	if len(shown) > 3 {
		shown, more = shown[:3], fmt.Sprintf(" and %d more", len(names)-3)
	}
	return fmt.Sprintf("used by %d connections (%s%s)", len(names), strings.Join(shown, ", "), more)
}
