package store

import (
	"errors"
	"io/fs"

	"authdeck/auth/private"
)

// Each hands fn every connection in the file's order without keeping them:
// a list makes its own value of each at once, and a []Connection of 1,000
// held a third copy of every connection, ~80 pages of memory a short-lived
// command pays for touching (issue 22). c is valid only during the call
// (its strings, maps and dates stay valid); most is at least the number
// of connections, the same at every call. A missing file is no
// connections. Not ok, perhaps after some calls, when the file needs
// more than the quick read (an older or newer form, damage, an error
// reading it): the caller then drops what fn was given and calls Load,
// which reads it the slow way or says what is wrong.
func (s *Store) Each(fn func(c *Connection, most int)) bool {
	data, err := private.ReadFile(s.Path(), maxFile)
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	if err != nil {
		return false
	}
	f, ok := decodeEach(data, fn)
	return ok && f.Version >= 1 && f.Version <= Version // a second version key wins, as in encoding/json
}
