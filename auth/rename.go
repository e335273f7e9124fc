package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"authdeck/auth/filelock"
	"authdeck/auth/sanitize"
	"authdeck/auth/store"
)

// nameTaken refuses name when a connection other than except already has
// it, or a name that differs from it only in capitals ("Sandbox demo" and
// "sandbox demo" would be told apart by nobody reading a list).
func nameTaken(conns []store.Connection, name, except string) error {
	for _, c := range conns {
		if c.Name == except || !strings.EqualFold(c.Name, name) {
			continue
		}
		msg := fmt.Sprintf("a connection called %q already exists", c.Name)
		if c.Name != name {
			msg = fmt.Sprintf("a connection called %q already exists: names that differ only in capitals are too easy to mix up", c.Name)
		}
		return &Error{Connection: name, Input: InputName, Remedy: RemedyChooseName, Kind: KindNameTaken, Msg: msg}
	}
	return nil
}

// checkName refuses a name that is not usable as a connection's name.
func checkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return inputError(InputName, "a connection needs a name")
	}
	if !nameRE().MatchString(name) {
		return inputError(InputName, "%q is not a usable name: use letters, digits, spaces, dots, dashes or underscores (at most 64), starting with a letter or digit", sanitize.Line(name))
	}
	return nil
}

// Rename gives a connection of this machine a new name, keeping its
// secrets, owner, note, expiry and history: the secrets are copied to the
// new name's keyring item first, then the record is renamed (and every
// "replaced by" that named it follows), then the old item is deleted. A
// failure before the record changed leaves the connection as it was. It
// holds both names' locks itself, where withConn holds one: no other
// process may take the new name meanwhile.
func (m *Manager) Rename(ctx context.Context, oldName, newName string) (_ Connection, err error) {
	defer classify(&err)
	if err := checkName(newName); err != nil {
		return Connection{}, err
	}
	if oldName == newName {
		return m.Get(oldName)
	}
	for _, n := range []string{oldName, newName} {
		lock, err := filelock.Acquire(ctx, m.lockPath(n))
		if err != nil {
			return Connection{}, err
		}
		defer lock.Unlock()
	}
	old, err := m.load(oldName)
	if errors.Is(err, ErrNotFound) && m.teamConfigured() {
		return Connection{}, &Error{Connection: oldName, Kind: KindFailed,
			Msg: fmt.Sprintf("%q is shared through the team store: it keeps the name the team gave it", oldName)}
	}
	if err != nil {
		return Connection{}, err
	}
	s, err := m.readSecrets(old)
	if err != nil {
		return Connection{}, err
	}
	renamed := old
	renamed.Name = newName
	if err := m.writeSecrets(renamed, s); err != nil {
		return Connection{}, err
	}
	rec, err := m.renameRecord(ctx, oldName, newName)
	if err != nil {
		_ = m.secrets.Delete(renamed.SecretKey()) // the old name still holds them
		return Connection{}, err
	}
	// Renamed and usable even if this fails: a copy of the secret left
	// under the old name is cleared by a later remove of that name.
	_ = m.secrets.Delete(old.SecretKey())
	// The record as written under the lock: no third read of the file.
	p, meth, lookupErr := m.method(rec)
	return m.view(conn{Connection: rec, p: p, meth: meth, lookupErr: lookupErr}), nil
}

// renameRecord renames the record and the "replaced by" notes naming it,
// and returns the renamed record.
func (m *Manager) renameRecord(ctx context.Context, oldName, newName string) (store.Connection, error) {
	var rec store.Connection
	err := m.store.Update(context.WithoutCancel(ctx), func(conns []store.Connection) ([]store.Connection, error) {
		if err := nameTaken(conns, newName, oldName); err != nil {
			return nil, err
		}
		i := store.Find(conns, oldName)
		if i < 0 {
			return nil, m.notFound(oldName)
		}
		conns[i].Name = newName
		for j := range conns {
			if conns[j].ReplacedBy == oldName {
				conns[j].ReplacedBy = newName
			}
		}
		rec = conns[i]
		return conns, nil
	})
	return rec, err
}
