package cli

import (
	"errors"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"authdeck/auth"
)

// listSource is what list and status write: items by position. list
// writes each item straight from its connection (listing); status has
// them all made (itemSlice).
type listSource interface {
	Len() int
	// Conn is item i's connection, enough to check its dates.
	Conn(i int) *auth.Connection
	// appendItem appends item i as JSON; not ok, having appended part of
	// it, for a date that has no JSON form.
	appendItem(b []byte, i int) (_ []byte, ok bool)
}

// itemSlice is items already made.
type itemSlice []listItem

func (s itemSlice) Len() int                    { return len(s) }
func (s itemSlice) Conn(i int) *auth.Connection { return &s[i].Connection }
func (s itemSlice) appendItem(b []byte, i int) ([]byte, bool) {
	return appendListItem(b, &s[i])
}

// listing is list's connections, each written as an item without making
// one: a []listItem of 1,000 held a second copy of every connection, and
// the words of each item were three strings made only to be copied into
// the output (issue 22).
type listing struct {
	conns []auth.Connection
	now   time.Time
	// scratch is where one connection is cleaned for the terminal and
	// its words are laid out, made again for each position.
	scratch *listScratch
}

type listScratch struct {
	view  auth.Connection
	words []byte
}

func newListing(conns []auth.Connection, now time.Time) listing {
	return listing{conns: conns, now: now, scratch: &listScratch{words: make([]byte, 0, 128)}}
}

func (l listing) Len() int                    { return len(l.conns) }
func (l listing) Conn(i int) *auth.Connection { return &l.conns[i] }

// appendItem appends what appendListItem(b, itemOf(conns[i])) does.
func (l listing) appendItem(b []byte, i int) (_ []byte, ok bool) {
	v := &l.scratch.view
	*v = l.conns[i]
	cleanView(v, v.Status)
	if b, ok = appendConnection(b, v); !ok {
		return b, false
	}
	// Every byte of the countdown's words is one JSON writes as it is.
	b = append(b, `,"countdown":"`...)
	b = append(appendCountdownText(b, auth.CountdownAt(*v, l.now)), '"')
	b = appendStringField(b, `,"problem":`, problemWords(*v, v.Status))
	if cmd := appendRemedyCommand(l.scratch.words[:0], auth.RemedyFor(*v, v.Status), v.Name); len(cmd) > 0 {
		b = appendJSONString(append(b, `,"command":`...), cmd)
		l.scratch.words = cmd
	}
	return append(b, '}'), true
}

// items are all of l's items at once, for encoding/json.
func (l listing) items() []listItem {
	items := make([]listItem, len(l.conns))
	for i, c := range l.conns {
		items[i] = itemOf(c, c.Status, l.now)
	}
	return items
}

// writeListJSON writes src's items exactly as encoding/json's Encoder
// writes a []listItem (a compact array, then a newline), without
// reflection and in pieces of about 64 KiB: `list --json` of 1,000
// connections spent a third of its time in encoding/json's reflection
// (issue 22). It knows every field of listItem by name; the tests hold it
// to encoding/json's own output for every field and for hostile text
// (TestListJSONEveryField, FuzzListJSON). It writes nothing and returns
// false when a date has no JSON form (a year outside 0–9999): the caller
// then lets encoding/json say why.
func writeListJSON(w io.Writer, src listSource) (handled bool, err error) {
	if !listDatesFit(src) {
		return false, nil
	}
	const piece = 64 << 10
	b := make([]byte, 0, piece+2<<10)
	b = append(b, '[')
	for i := range src.Len() {
		if len(b) > piece {
			if _, err := w.Write(b); err != nil {
				return true, err
			}
			b = b[:0]
		}
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = src.appendItem(b, i); !ok {
			return true, errors.New("a date outside the years 0–9999 cannot be written as JSON")
		}
	}
	_, err = w.Write(append(b, "]\n"...))
	return true, err
}

// listDatesFit says whether every date in src has a JSON form:
// time.Time's MarshalJSON refuses a year outside 0–9999 and a zone offset
// of 24 hours or more.
func listDatesFit(src listSource) bool {
	// The first and last second of the years 0–9999, as Unix times.
	const first, last = -62167219200, 253402300799
	fits := func(t *time.Time) bool {
		if t == nil {
			return true
		}
		_, off := t.Zone()
		wall := t.Unix() + int64(off) // the date as written, in its zone
		return wall >= first && wall <= last && off < 24*3600 && off > -24*3600
	}
	for i := range src.Len() {
		c := src.Conn(i)
		if !fits(c.ExpiresAt) || !fits(&c.CreatedAt) || !fits(c.ConnectedAt) {
			return false
		}
		for _, o := range []*auth.Outcome{c.LastRefresh, c.LastCheck} {
			if o != nil && !fits(&o.At) {
				return false
			}
		}
	}
	return true
}

// appendListItem appends one item: the core's fields, then the terminal's.
func appendListItem(b []byte, it *listItem) (_ []byte, ok bool) {
	if b, ok = appendConnection(b, &it.Connection); !ok {
		return b, false
	}
	b = append(b, `,"countdown":`...)
	b = appendJSONString(b, it.Countdown)
	b = appendStringField(b, `,"problem":`, it.Problem)
	b = appendStringField(b, `,"command":`, it.Command)
	if it.Attention != nil {
		b = append(b, `,"attention":`...)
		b = appendBool(b, *it.Attention)
	}
	return append(b, '}'), true
}

// appendConnection appends the fields of auth.Connection in their order,
// leaving the object open for listItem's own.
func appendConnection(b []byte, c *auth.Connection) (_ []byte, ok bool) {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, c.Name)
	b = append(b, `,"provider":`...)
	b = appendJSONString(b, c.Provider)
	b = append(b, `,"provider_name":`...)
	b = appendJSONString(b, c.ProviderName)
	b = append(b, `,"method":`...)
	b = appendJSONString(b, string(c.Method))
	b = append(b, `,"status":`...)
	b = appendJSONString(b, string(c.Status))
	b = append(b, `,"expires_at":`...)
	if c.ExpiresAt == nil {
		b = append(b, "null"...)
	} else if b, ok = appendTime(b, *c.ExpiresAt); !ok {
		return b, false
	}
	if c.ExpiryEstimated {
		b = append(b, `,"expiry_estimated":true`...)
	}
	b = append(b, `,"refreshable":`...)
	b = appendBool(b, c.Refreshable)
	if c.HasRefreshToken {
		b = append(b, `,"has_refresh_token":true`...)
	}
	b = append(b, `,"scopes":`...)
	b = appendStrings(b, c.Scopes)
	if len(c.ScopesMissing) > 0 {
		b = append(b, `,"scopes_missing":`...)
		b = appendStrings(b, c.ScopesMissing)
	}
	b = appendStringField(b, `,"account":`, c.Account)
	b = appendStringField(b, `,"owner":`, c.Owner)
	b = appendStringField(b, `,"note":`, c.Note)
	b = appendStringField(b, `,"user":`, c.User)
	b = appendStringField(b, `,"client_id":`, c.ClientID)
	b = appendStringField(b, `,"redirect_uri":`, c.RedirectURI)
	if len(c.Params) > 0 {
		b = append(b, `,"params":`...)
		b = appendStringMap(b, c.Params)
	}
	return appendConnectionRest(b, c)
}

// appendConnectionRest is appendConnection from created_at on.
func appendConnectionRest(b []byte, c *auth.Connection) (_ []byte, ok bool) {
	b = append(b, `,"created_at":`...)
	if b, ok = appendTime(b, c.CreatedAt); !ok {
		return b, false
	}
	if c.ConnectedAt != nil {
		b = append(b, `,"connected_at":`...)
		if b, ok = appendTime(b, *c.ConnectedAt); !ok {
			return b, false
		}
	}
	if b, ok = appendOutcome(b, `,"last_refresh":`, c.LastRefresh); !ok {
		return b, false
	}
	if b, ok = appendOutcome(b, `,"last_check":`, c.LastCheck); !ok {
		return b, false
	}
	b = appendStringField(b, `,"fault":`, string(c.Fault))
	b = appendStringField(b, `,"replaced_by":`, c.ReplacedBy)
	b = appendStringField(b, `,"fault_detail":`, c.FaultDetail)
	if c.Shared {
		b = append(b, `,"shared":true`...)
	}
	b = appendStringField(b, `,"store_problem":`, c.StoreProblem)
	return b, true
}

// appendOutcome appends key and o, or nothing when o is nil (omitempty).
func appendOutcome(b []byte, key string, o *auth.Outcome) (_ []byte, ok bool) {
	if o == nil {
		return b, true
	}
	b = append(b, key...)
	b = append(b, `{"at":`...)
	if b, ok = appendTime(b, o.At); !ok {
		return b, false
	}
	b = append(b, `,"ok":`...)
	b = appendBool(b, o.OK)
	b = append(b, `,"message":`...)
	b = appendJSONString(b, o.Message)
	if o.Rejected {
		b = append(b, `,"rejected":true`...)
	}
	b = appendStringField(b, `,"by":`, o.By)
	return append(b, '}'), true
}

// appendStringField appends key and s, or nothing when s is empty
// (omitempty).
func appendStringField(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendJSONString(append(b, key...), s)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// appendTime appends t as time.Time's MarshalJSON does.
func appendTime(b []byte, t time.Time) (_ []byte, ok bool) {
	if t.Location() == time.UTC {
		if out, ok := appendUTC(b, t); ok {
			return out, true
		}
	}
	out, err := t.AppendText(append(b, '"'))
	if err != nil {
		return b, false
	}
	return append(out, '"'), true
}

// appendUTC appends t, a time in UTC, as MarshalJSON does
// ("2026-12-02T06:09:18.159571637Z", the fraction without its trailing
// zeros), working out the date by arithmetic: Go's general formatting
// was a tenth of listing 1,000 connections (issue 22). Not ok, having
// appended nothing, outside the years 0–9999.
func appendUTC(b []byte, t time.Time) (_ []byte, ok bool) {
	const first, last = -62167219200, 253402300799 // 0000-01-01, 9999-12-31 23:59:59
	unix := t.Unix()
	if unix < first || unix > last {
		return b, false
	}
	days, secs := (unix-first)/86400, int((unix-first)%86400)
	year, month, day := civil(days)
	// Laid out in place, two digits at a time.
	var d [len(`"2006-01-02T15:04:05.999999999Z"`)]byte
	d[0], d[5], d[8], d[11], d[14], d[17] = '"', '-', '-', 'T', ':', ':'
	put2(d[1:], year/100)
	put2(d[3:], year%100)
	put2(d[6:], month)
	put2(d[9:], day)
	put2(d[12:], secs/3600)
	put2(d[15:], secs/60%60)
	put2(d[18:], secs%60)
	n := 20
	if ns := t.Nanosecond(); ns != 0 {
		d[20], d[21] = '.', digitPairs[2*(ns/1e8)+1]
		for i := 28; i > 21; i -= 2 {
			put2(d[i:], ns%100)
			ns /= 100
		}
		n = 30
		for d[n-1] == '0' { // MarshalJSON drops the fraction's trailing zeros
			n--
		}
	}
	d[n], d[n+1] = 'Z', '"'
	return append(b, d[:n+2]...), true
}

// digitPairs is 00 to 99, two bytes each.
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

// put2 writes v (0–99) as two digits at the start of d.
func put2(d []byte, v int) {
	d[0], d[1] = digitPairs[2*v], digitPairs[2*v+1]
}

// civil is the date days after 0000-01-01 (proleptic Gregorian), by
// H. Hinnant's civil_from_days.
func civil(days int64) (year, month, day int) {
	z := int(days) - 60 // from 0000-03-01: the leap day ends a year
	era := (z + 146097) / 146097
	era-- // z ≥ -60: one era back stays non-negative
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = doy - (153*mp+2)/5 + 1
	month = mp + 3
	if month > 12 {
		month -= 12
	}
	year = yoe + era*400
	if month <= 2 {
		year++
	}
	return year, month, day
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendStringMap appends m with its keys in order, as encoding/json does.
func appendStringMap(b []byte, m map[string]string) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	if len(m) == 1 { // the common case: no order to work out
		for k, v := range m {
			b = append(appendJSONString(append(b, '{'), k), ':')
			return append(appendJSONString(b, v), '}')
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(appendJSONString(b, k), ':')
		b = appendJSONString(b, m[k])
	}
	return append(b, '}')
}

// jsonPlain says which bytes appendJSONString writes as they are: printable
// ASCII but the quote, the backslash, <, > and & (one load per byte).
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = !strings.ContainsRune(`"\<>&`, rune(c))
	}
	return t
}()

// appendJSONString appends s quoted as encoding/json quotes a string with
// HTML escaping on (its default): <, > and & as \u003c, \u003e, \u0026,
// control characters escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029
// escaped. s is a string or, for words laid out in place, bytes.
func appendJSONString[T string | []byte](b []byte, s T) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if jsonPlain[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[start:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
