package catalog

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"authdeck/auth/sanitize"
)

var idRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`) })

// FieldError names the field of a definition that is wrong and why.
type FieldError struct {
	Source string // file path or "built-in"
	Field  string // JSON path, e.g. "methods[0].token_url"
	Reason string
}

// maxReason bounds a reason: it may quote a value from the file, and a
// 200 KB id must not become a 200 KB line on every command.
const maxReason = 300

func (e *FieldError) Error() string {
	reason := e.Reason
	if r := []rune(reason); len(r) > maxReason {
		reason = string(r[:maxReason]) + "…"
	}
	// Reasons quote values with %q; Line is the guard for anything else.
	if e.Field == "" {
		return sanitize.Line(e.Source + ": " + reason)
	}
	return sanitize.Line(e.Source + ": " + e.Field + ": " + reason)
}

// neutralise makes the words a definition shows (names, labels, help)
// harmless where they enter: a providers.d file is outside text, and an
// escape sequence in a name would reach every terminal that lists it. The
// control characters become visible escapes such as \x1b; the definition
// still loads. Values a machine reads (URLs, scopes, header names) are not
// rewritten but refused by Validate.
func (p *Provider) neutralise() {
	p.Name = sanitize.Line(p.Name)
	for i := range p.Params {
		q := &p.Params[i]
		q.Label, q.Help = sanitize.Line(q.Label), sanitize.Text(q.Help)
	}
	for i := range p.Methods {
		m := &p.Methods[i]
		m.Label, m.Help = sanitize.Line(m.Label), sanitize.Text(m.Help)
		m.UserLabel, m.SecretLabel = sanitize.Line(m.UserLabel), sanitize.Line(m.SecretLabel)
		for j := range m.KnownScopes {
			m.KnownScopes[j].Label = sanitize.Line(m.KnownScopes[j].Label)
		}
	}
}

// Limits on what a definition may hold: far above any real one, low enough
// that a hostile file cannot make a list or the wizard unusable.
const (
	maxName  = 80   // characters in the provider's name
	maxLabel = 200  // characters in a label
	maxHelp  = 2000 // characters in a help text
	maxList  = 100  // entries in params, scopes, callback_params, unconfirmed
)

// plainValue is a method value that a machine reads and that is also shown
// (scopes, the default client id).
type plainValue struct {
	field  string
	values []string
}

// plainValues lists a method's plain values: each must be one line of
// printable text, or the definition is refused.
func (m Method) plainValues() []plainValue {
	known := make([]string, len(m.KnownScopes))
	for i, sc := range m.KnownScopes {
		known[i] = sc.Name
	}
	return []plainValue{
		{"known_scopes", known},
		{"client_id", []string{m.ClientID}}, {"scope_separator", []string{m.ScopeSeparator}},
		{"default_scopes", m.DefaultScopes}, {"callback_params", m.CallbackParams},
		{"unconfirmed", m.Unconfirmed}, {"apply.scheme", []string{m.Apply.Scheme}}, {"apply.query", []string{m.Apply.Query}},
	}
}

// tooLong refuses s when it has more than limit characters.
func tooLong(field, s string, limit int) *FieldError {
	if n := utf8.RuneCountInString(s); n > limit {
		return &FieldError{Field: field, Reason: fmt.Sprintf("%d characters long: at most %d", n, limit)}
	}
	return nil
}

// tooMany refuses a list of more than maxList entries.
func tooMany(field string, n int) *FieldError {
	if n > maxList {
		return &FieldError{Field: field, Reason: fmt.Sprintf("%d entries: at most %d", n, maxList)}
	}
	return nil
}

// checkSizes refuses over-long words and lists, and plain values with
// control or invisible characters.
func (p Provider) checkSizes() *FieldError {
	err := firstOf(tooLong("name", p.Name, maxName), tooMany("params", len(p.Params)))
	for i, q := range p.Params {
		at := fmt.Sprintf("params[%d].", i)
		err = firstOf(err, tooLong(at+"label", q.Label, maxLabel), tooLong(at+"help", q.Help, maxHelp))
	}
	for i, m := range p.Methods {
		at := fmt.Sprintf("methods[%d].", i)
		err = firstOf(err, tooLong(at+"label", m.Label, maxLabel), tooLong(at+"help", m.Help, maxHelp),
			tooLong(at+"user_label", m.UserLabel, maxLabel), tooLong(at+"secret_label", m.SecretLabel, maxLabel))
		for j, sc := range m.KnownScopes {
			err = firstOf(err, tooLong(fmt.Sprintf("%sknown_scopes[%d].label", at, j), sc.Label, maxLabel))
		}
		for _, pv := range m.plainValues() {
			err = firstOf(err, tooMany(at+pv.field, len(pv.values)))
			for _, v := range pv.values {
				if sanitize.Line(v) != v || utf8.RuneCountInString(v) > maxLabel {
					err = firstOf(err, &FieldError{Field: at + pv.field, Reason: fmt.Sprintf("%q holds control or invisible characters or is too long: use plain text", v)})
				}
			}
		}
	}
	return err
}

// firstOf returns the first non-nil error: a definition names one problem.
func firstOf(errs ...*FieldError) *FieldError {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// Validate checks a definition completely and returns the first problem as a
// *FieldError naming the field.
func (p Provider) Validate() error {
	fail := func(field, format string, args ...any) error {
		return &FieldError{Source: p.Source, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if !idRE().MatchString(p.ID) {
		return fail("id", "%q is not a valid id: use lower-case letters, digits and hyphens", p.ID)
	}
	if strings.TrimSpace(p.Name) == "" {
		return fail("name", "missing: give the provider a name people recognise")
	}
	if err := p.checkSizes(); err != nil {
		err.Source = p.Source
		return err
	}
	if p.DocsURL != "" {
		if err := CheckURL(p.DocsURL); err != nil {
			return fail("docs_url", "%v", err)
		}
	}
	declared := map[string]bool{}
	for i, q := range p.Params {
		if !placeholderRE().MatchString("{" + q.Name + "}") {
			return fail(fmt.Sprintf("params[%d].name", i), "%q is not a valid name: use lower-case letters, digits and _", q.Name)
		}
		if q.Default != "" {
			if err := CheckParamValue(q.Name, q.Default); err != nil {
				return fail(fmt.Sprintf("params[%d].default", i), "%v", err)
			}
		}
		declared[q.Name] = true
	}
	if len(p.Methods) == 0 {
		return fail("methods", "missing: a provider needs at least one method")
	}
	seen := map[Kind]bool{}
	for i, m := range p.Methods {
		at := fmt.Sprintf("methods[%d]", i)
		if seen[m.Kind] {
			return fail(at+".kind", "%q appears twice: each kind of method once", m.Kind)
		}
		seen[m.Kind] = true
		if err := m.validate(p, declared); err != nil {
			err.Source, err.Field = p.Source, at+"."+err.Field
			return err
		}
	}
	return nil
}

func fieldFail(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

func (m Method) validate(p Provider, declared map[string]bool) *FieldError {
	known := false
	for _, k := range Kinds {
		known = known || m.Kind == k
	}
	if !known {
		return fieldFail("kind", "%q is not a method kind: use one of %s", m.Kind, kindList())
	}
	if strings.TrimSpace(m.Label) == "" {
		return fieldFail("label", "missing: say in one plain line what this method does")
	}
	return firstOf(m.validateURLs(declared), m.validateRequest(), m.validateApply())
}

// validateURLs checks the addresses a method needs and each one it has.
func (m Method) validateURLs(declared map[string]bool) *FieldError {
	urls := []struct {
		field, value string
		required     bool
	}{
		{"authorize_url", m.AuthorizeURL, m.Kind == KindOAuth || m.Kind == KindImplicit},
		{"token_url", m.TokenURL, m.Kind == KindOAuth},
		{"login_url", m.LoginURL, m.Kind == KindSession},
		{"check_url", m.CheckURL, false},
	}
	for _, u := range urls {
		if u.value == "" {
			if u.required {
				return fieldFail(u.field, "missing: a %s method needs it", m.Kind)
			}
			continue
		}
		for _, name := range Placeholders(u.value) {
			if !declared[name] {
				return fieldFail(u.field, "uses {%s}, which is not declared in params", name)
			}
		}
		// Placeholders are checked with a sample value (1: valid as a host label and as a port); the real one is checked on use.
		if err := CheckURL(placeholderRE().ReplaceAllString(u.value, "1")); err != nil {
			return fieldFail(u.field, "%v", err)
		}
	}
	return nil
}

// maxLifetimeSeconds is 100 years: a longer stated lifetime means "never".
const maxLifetimeSeconds = 100 * 365 * 24 * 60 * 60

var stateParamRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })

// validateRequest checks how the token request is made.
func (m Method) validateRequest() *FieldError {
	switch m.TokenRequest {
	case "", RequestForm, RequestJSON, RequestQuery:
	default:
		return fieldFail("token_request", "%q is not known: use form, json or query", m.TokenRequest)
	}
	switch m.ClientAuth {
	case "", ClientAuthBody, ClientAuthBasic, ClientAuthBasicRaw:
	default:
		return fieldFail("client_auth", "%q is not known: use body, basic or basic-raw", m.ClientAuth)
	}
	if m.StateParam != "" && !stateParamRE().MatchString(m.StateParam) {
		return fieldFail("state_param", "%q is not a valid parameter name", m.StateParam)
	}
	if m.Refresh && m.Kind != KindOAuth {
		return fieldFail("refresh", "only an oauth method can refresh")
	}
	for field, v := range map[string]int64{"lifetime_seconds": m.LifetimeSeconds, "code_lifetime_seconds": m.CodeLifetimeSeconds} {
		// Beyond a century the seconds overflow time.Duration and a fresh
		// credential would read as long expired.
		if v < 0 || v > maxLifetimeSeconds {
			return fieldFail(field, "%d is not a lifetime: give seconds from 0 to %d (100 years)", v, int64(maxLifetimeSeconds))
		}
	}
	return nil
}

var headerNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9-]+$`) })

// validateApply checks how the credential is attached to a request.
func (m Method) validateApply() *FieldError {
	switch {
	case (m.Apply.Header == "") == (m.Apply.Query == ""):
		return fieldFail("apply", "set exactly one of header or query")
	case m.Apply.Query != "" && m.Apply.Scheme != "":
		return fieldFail("apply.scheme", "a query parameter has no scheme")
	case m.Apply.Header != "" && !headerNameRE().MatchString(m.Apply.Header):
		return fieldFail("apply.header", "%q is not a header name", m.Apply.Header)
	case m.Kind == KindBasic && (m.Apply.Header != "Authorization" || m.Apply.Scheme != "Basic"):
		return fieldFail("apply", "a basic method is applied as header Authorization with scheme Basic")
	}
	return nil
}

func kindList() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}
