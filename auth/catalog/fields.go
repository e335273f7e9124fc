package catalog

// The method fields a front end can show, confirm or correct as text, by
// their JSON names. Code looks them up through Method.Field and
// Method.SetField instead of switching on these strings in each place.
const (
	FieldAuthorizeURL = "authorize_url"
	FieldTokenURL     = "token_url"
	FieldCheckURL     = "check_url"
	FieldLoginURL     = "login_url"
	FieldTokenRequest = "token_request"
	FieldClientAuth   = "client_auth"
	FieldStateParam   = "state_param"
)

// textFields maps each text field's name to where it lives in a Method.
var textFields = map[string]func(m *Method) *string{
	FieldAuthorizeURL: func(m *Method) *string { return &m.AuthorizeURL },
	FieldTokenURL:     func(m *Method) *string { return &m.TokenURL },
	FieldCheckURL:     func(m *Method) *string { return &m.CheckURL },
	FieldLoginURL:     func(m *Method) *string { return &m.LoginURL },
	FieldTokenRequest: func(m *Method) *string { return &m.TokenRequest },
	FieldClientAuth:   func(m *Method) *string { return &m.ClientAuth },
	FieldStateParam:   func(m *Method) *string { return &m.StateParam },
}

// Field returns the value of the method's text field called name (a JSON
// name such as "authorize_url"); ok is false for a name that is not a text
// field (e.g. "apply", which is a structure).
func (m Method) Field(name string) (value string, ok bool) {
	at, ok := textFields[name]
	if !ok {
		return "", false
	}
	return *at(&m), true
}

// SetField sets the method's text field called name; it reports false, and
// changes nothing, for a name that is not a text field.
func (m *Method) SetField(name, value string) bool {
	at, ok := textFields[name]
	if ok {
		*at(m) = value
	}
	return ok
}

// UnconfirmedText lists the method's unconfirmed fields that are text, in
// the order the definition gives them: the ones a person can correct in a
// text box.
func (m Method) UnconfirmedText() []string {
	var out []string
	for _, name := range m.Unconfirmed {
		if _, ok := textFields[name]; ok {
			out = append(out, name)
		}
	}
	return out
}

// FieldWords says in plain words what the field called name holds (see
// UnconfirmedWords), or returns the name itself when there are none.
func FieldWords(name string) string {
	if w, ok := UnconfirmedWords[name]; ok {
		return w
	}
	return name
}
