package store

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"

	"authdeck/auth/catalog"
)

// decodeFast reads connections.json as this build writes it, several times
// faster than encoding/json (issue 22: `list --json` of 1,000 connections
// spent most of its time decoding). It knows every key of the format by
// name and reads values without reflection. Anything it was not written
// for — an unknown or differently-cased key, null, an escape in a string,
// a number that is not a plain integer, bad syntax — makes it give up
// (ok false), and decode hands the file to encoding/json, whose result and
// errors therefore stay the definition of the format. The tests hold the
// two to the same result and to every field of Connection.
//
// The strings it returns share data's memory: the caller hands over a
// buffer nobody changes afterwards (Load's own read of the file).
// Connections holding the same params (or extra) share one map: like
// every map of a record, it is cloned before it is changed.
func decodeFast(data []byte) (f file, ok bool) {
	return decodeEach(data, nil)
}

// decodeEach is decodeFast, but with each set it hands each connection to
// each in turn instead of keeping them (see Store.Each): only once the
// file's version is known to be one this build reads, and it gives up
// when the connections come before the version.
func decodeEach(data []byte, each func(c *Connection, most int)) (f file, ok bool) {
	// Every plain string is a slice of the file itself: no allocation per
	// value, and no copy of the file (a large one was copied in full).
	s := &scanner{b: data, text: unsafe.String(unsafe.SliceData(data), len(data))} // #nosec G103 -- data is Load's own buffer, never written after the read
	var key string
	handed := false // each was given the connections
	for m := s.open('{'); s.field(&m, &key); {
		switch key {
		case "version":
			f.Version, ok = s.integer()
			s.bad = s.bad || !ok
		case "connections":
			if each != nil && (f.Version < 1 || f.Version > Version || handed) {
				s.bad = true // a version after the connections, one not ours, or a second array
				break
			}
			f.Connections, handed = s.connections(each), each != nil
		default:
			s.bad = true
		}
	}
	s.space()
	return f, !s.bad && s.i == len(s.b)
}

// connections reads the array of connections, or hands each to each.
func (s *scanner) connections(each func(c *Connection, most int)) []Connection {
	// Room for all of them at once (growing the slice copied 1,000
	// connections several times over): each one opens a brace, so there
	// are no more connections than braces. Counting one byte is ~20 times
	// faster than counting `"name"` (a tenth of the decoding), and the
	// room a nested object takes in vain is never touched, so never paid.
	most := bytes.Count(s.b[s.i:], []byte{'{'})
	var out []Connection
	if each == nil {
		out = make([]Connection, 0, most)
	}
	var c Connection
	for m := s.open('['); s.elem(&m, ']'); {
		c = Connection{}
		var key string
		for m := s.open('{'); s.field(&m, &key); {
			s.bad = s.bad || !connField(s, key, &c)
		}
		switch {
		case each == nil:
			out = append(out, c)
		case !s.bad:
			each(&c, most)
		}
	}
	return out
}

// connField reads the value of one key of a connection. A key twice that
// would merge in encoding/json (a map, an object) gives up instead.
func connField(s *scanner, key string, c *Connection) bool {
	switch key {
	case "name":
		return s.str(&c.Name)
	case "provider":
		return s.str(&c.Provider)
	case "method":
		return s.kind(&c.Method)
	case "client_id":
		return s.str(&c.ClientID)
	case "scopes":
		return s.strings(&c.Scopes)
	case "redirect_uri":
		return s.str(&c.RedirectURI)
	case "user":
		return s.str(&c.User)
	case "params":
		return c.Params == nil && s.strMap(&c.Params, &s.params)
	case "extra":
		return c.Extra == nil && s.strMap(&c.Extra, &s.extra)
	case "created_at":
		return s.time(&c.CreatedAt)
	case "connected_at":
		return s.timePtr(&c.ConnectedAt)
	case "expires_at":
		return s.timePtr(&c.ExpiresAt)
	}
	return connField2(s, key, c)
}

// connField2 is connField's second half (functions here stay short).
func connField2(s *scanner, key string, c *Connection) bool {
	switch key {
	case "expires_set":
		return s.boolean(&c.ExpiresSet)
	case "has_refresh_token":
		return s.boolean(&c.HasRefreshToken)
	case "last_refresh":
		return c.LastRefresh == nil && s.outcome(&c.LastRefresh)
	case "last_check":
		return c.LastCheck == nil && s.outcome(&c.LastCheck)
	case "account":
		return s.str(&c.Account)
	case "owner":
		return s.str(&c.Owner)
	case "note":
		return s.str(&c.Note)
	case "scopes_missing":
		return s.strings(&c.ScopesMissing)
	case "replaced_by":
		return s.str(&c.ReplacedBy)
	case "removing":
		return s.boolean(&c.Removing)
	case "endpoints":
		return c.Endpoints == nil && s.endpoints(&c.Endpoints)
	case "pending":
		return s.boolean(&c.Pending)
	}
	return false
}

// scanner walks a JSON document; every method reports whether it read what
// it expected.
type scanner struct {
	b    []byte
	text string // b as a string, for plain values to share
	i    int
	bad  bool // something it was not written for: give up
	// times is the block the next date pointed to is taken from.
	times []time.Time
	// params and extra are the last maps made for those keys, which the
	// next connection shares when it holds the same pairs.
	params, extra map[string]string
}

func (s *scanner) space() {
	b, i := s.b, s.i // locals: the loop stays in registers
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	s.i = i
}

// next skips white space and consumes c if it comes next.
func (s *scanner) next(c byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// members is where a walk through an object's or array's members is.
type members struct {
	done    bool // the closing bracket was read, or there was trouble
	started bool // a member was read: the next one follows a comma
}

// open consumes the opening bracket c.
func (s *scanner) open(c byte) members {
	if !s.next(c) {
		s.bad = true
		return members{done: true}
	}
	return members{}
}

// field reads the next key of an object and its colon, leaving the value
// to the caller; false at the closing brace or on trouble.
func (s *scanner) field(m *members, key *string) bool {
	if !s.elem(m, '}') {
		return false
	}
	if !s.str(key) || !s.next(':') {
		s.bad = true
		return false
	}
	return true
}

// elem says whether another member follows in an object or array whose
// closing bracket is end, consuming the comma between members.
func (s *scanner) elem(m *members, end byte) bool {
	if s.bad || m.done {
		return false
	}
	if s.next(end) {
		m.done = true
		return false
	}
	if m.started && !s.next(',') {
		s.bad = true
		return false
	}
	m.started = true
	return true
}

// raw reads a string and returns it with its quotes.
func (s *scanner) raw() (q []byte, plain bool) {
	if !s.next('"') {
		return nil, false
	}
	b, start, plain := s.b, s.i-1, true
	for i := s.i; i < len(b); i++ {
		c := b[i]
		if plainByte[c] {
			continue
		}
		switch {
		case c == '"':
			s.i = i + 1
			return b[start:s.i], plain
		case c == '\\':
			plain = false
			i++ // the escaped character
		case c < 0x20:
			return nil, false // not JSON: encoding/json says why
		default:
			plain = false
		}
	}
	s.i = len(b)
	return nil, false
}

// plainByte says which bytes a string holds as they are: printable ASCII
// but the quote and the backslash (one load per byte in raw's loop).
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads a string; one with escapes or non-ASCII text is decoded by
// encoding/json itself (it replaces invalid UTF-8 in its own way).
func (s *scanner) str(dst *string) bool {
	q, plain := s.raw()
	if q == nil {
		return false
	}
	if plain || utf8.Valid(q) && !hasBackslash(q) {
		end := s.i - 1 // the closing quote; raw may have skipped white space before the opening one
		*dst = s.text[end-len(q)+2 : end]
		return true
	}
	var v string // here, not in dst: dst stays on its caller's stack
	if json.Unmarshal(q, &v) != nil {
		return false
	}
	*dst = v
	return true
}

func hasBackslash(b []byte) bool {
	for _, c := range b {
		if c == '\\' {
			return true
		}
	}
	return false
}

func (s *scanner) kind(dst *catalog.Kind) bool {
	var v string
	ok := s.str(&v)
	*dst = catalog.Kind(v)
	return ok
}

func (s *scanner) strings(dst *[]string) bool {
	out := []string{}
	for m := s.open('['); s.elem(&m, ']'); {
		var v string
		s.bad = s.bad || !s.str(&v)
		out = append(out, v)
	}
	*dst = out
	return !s.bad
}

func (s *scanner) strMap(dst *map[string]string, prev *map[string]string) bool {
	// The pairs are gathered first: most connections of a file hold the
	// same few params as the one before them, and share its map (a map per
	// connection was a fifth of the decoding and of its memory, issue 22).
	var kv [8][2]string
	n, big := 0, map[string]string(nil)
	var key string
	for m := s.open('{'); s.field(&m, &key); {
		var v string
		s.bad = s.bad || !s.str(&v)
		if n < len(kv) {
			kv[n] = [2]string{key, v}
			n++
			continue
		}
		if big == nil {
			big = make(map[string]string, 2*len(kv))
			for _, p := range kv {
				big[p[0]] = p[1]
			}
		}
		big[key] = v
	}
	switch {
	case big != nil:
		*dst = big
	case *prev != nil && sameMap(*prev, kv[:n]):
		*dst = *prev
	default:
		out := make(map[string]string, n)
		for _, p := range kv[:n] {
			out[p[0]] = p[1]
		}
		*dst, *prev = out, out
	}
	return !s.bad
}

// sameMap says whether m holds exactly the pairs kv.
func sameMap(m map[string]string, kv [][2]string) bool {
	if len(m) != len(kv) {
		return false
	}
	for i, p := range kv {
		if v, ok := m[p[0]]; !ok || v != p[1] {
			return false
		}
		for _, q := range kv[:i] {
			if q[0] == p[0] { // a key twice: m would hold fewer pairs
				return false
			}
		}
	}
	return true
}

// time reads a date as encoding/json does: through time.Time's own
// UnmarshalJSON, but for the form this build writes (UTC, see utcDate).
func (s *scanner) time(dst *time.Time) bool {
	q, _ := s.raw()
	if q == nil {
		return false
	}
	if t, ok := utcDate(q[1 : len(q)-1]); ok {
		*dst = t
		return true
	}
	return dst.UnmarshalJSON(q) == nil
}

func (s *scanner) timePtr(dst **time.Time) bool {
	if *dst == nil {
		// Dates are carved from one block (two per connection): one
		// allocation for many instead of one each.
		if len(s.times) == cap(s.times) {
			s.times = make([]time.Time, 0, 64)
		}
		s.times = s.times[:len(s.times)+1]
		*dst = &s.times[len(s.times)-1]
	}
	return s.time(*dst)
}

func (s *scanner) boolean(dst *bool) bool {
	s.space()
	switch {
	case len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "true":
		*dst, s.i = true, s.i+4
	case len(s.b)-s.i >= 5 && string(s.b[s.i:s.i+5]) == "false":
		*dst, s.i = false, s.i+5
	default:
		return false
	}
	return true
}

// integer reads a non-negative integer written without a fraction or an
// exponent (the format's version).
func (s *scanner) integer() (int, bool) {
	s.space()
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	digits := string(s.b[start:s.i])
	if digits == "" || len(digits) > 1 && digits[0] == '0' || s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	return n, err == nil
}

func (s *scanner) outcome(dst **Outcome) bool {
	o := &Outcome{}
	*dst = o
	var key string
	for m := s.open('{'); s.field(&m, &key); {
		switch key {
		case "at":
			s.bad = s.bad || !s.time(&o.At)
		case "ok":
			s.bad = s.bad || !s.boolean(&o.OK)
		case "message":
			s.bad = s.bad || !s.str(&o.Message)
		case "rejected":
			s.bad = s.bad || !s.boolean(&o.Rejected)
		case "by":
			s.bad = s.bad || !s.str(&o.By)
		default:
			s.bad = true
		}
	}
	return !s.bad
}

func (s *scanner) endpoints(dst **Endpoints) bool {
	e := &Endpoints{}
	*dst = e
	var key string
	for m := s.open('{'); s.field(&m, &key); {
		switch key {
		case "token":
			s.bad = s.bad || !s.str(&e.Token)
		case "check":
			s.bad = s.bad || !s.str(&e.Check)
		case "login":
			s.bad = s.bad || !s.str(&e.Login)
		default:
			s.bad = true
		}
	}
	return !s.bad
}
