package ui

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdeck/auth/catalog"
	"authdeck/auth/sanitize"
)

// form is the wizard's third step: the fields the chosen method needs.
type form struct {
	fields fyne.CanvasObject

	name         *keyEntry
	params       map[string]*keyEntry
	clientID     *keyEntry
	clientSecret *keyEntry
	scopeChecks  map[string]*keyCheck // the provider's known scopes, by name
	scopes       *keyEntry            // other scopes, free text
	user         *keyEntry
	secret       *keyEntry
	expires      *keyEntry
	owner        *keyEntry
	note         *keyEntry
	unconfirmed  map[string]*keyEntry // by catalog field name
	redirectURI  string

	// The Advanced section: values Authdeck fills in, folded away.
	advanced    *fyne.Container
	advancedBtn *keyButton
	// entries are the fields in the order shown, for the first focus;
	// labels their labels, turned red with a problem.
	entries []*keyEntry
	labels  map[*keyEntry]*widget.Label
	// initial is what each entry held when it was made: typed() compares.
	initial map[*keyEntry]string
}

// section is a list of labelled fields being built.
type section struct{ box *fyne.Container }

func newSection() section { return section{box: container.NewVBox()} }

// add appends a field with its bold label and a line of help under it,
// and returns the label.
func (s section) add(label string, field fyne.CanvasObject, help string) *widget.Label {
	l := boldLabel(label)
	s.box.Add(l)
	s.box.Add(field)
	if help != "" {
		h := wrapLabel(help)
		h.SizeName = theme.SizeNameCaptionText
		s.box.Add(h)
	}
	return l
}

// buildFields makes the form the chosen method needs, each field with help
// saying where to find its value; technical values Authdeck fills in are
// folded away under Advanced.
func (w *wizard) buildFields() fyne.CanvasObject {
	w.form = form{fields: w.fields, params: map[string]*keyEntry{}, scopeChecks: map[string]*keyCheck{}, unconfirmed: map[string]*keyEntry{}, labels: map[*keyEntry]*widget.Label{}, initial: map[*keyEntry]string{}}
	main, adv := newSection(), newSection()
	if w.method.Help != "" {
		main.box.Add(wrapLabel(w.method.Help))
	}
	if g := guessWords(w.provider, w.method); g != "" {
		main.box.Add(wrapLabel(g)) // every guess, in words, where the person decides
	}
	w.name = w.field(main, "Connection name", w.uniqueName(w.provider.Name), "How this connection is listed in Authdeck, e.g. \"Vend main store\".")
	w.addParams(main, adv)
	if w.method.Kind.Browser() {
		w.addBrowserFields(main, adv)
	} else {
		w.addPastedFields(main)
	}
	w.owner = w.field(main, "Owner (optional)", "", "Who to ask about this connection, e.g. a name or a team.")
	w.note = w.field(main, "Note (optional)", "", "What it is for, e.g. \"nightly stock export\".")
	w.addUnconfirmed(adv)
	if len(adv.box.Objects) > 0 {
		w.addAdvanced(main, adv)
	}
	return main.box
}

// field adds a text field to s and returns it.
func (w *wizard) field(s section, label, value, help string) *keyEntry {
	e := w.entry(value, "", false)
	w.labelled(s, label, e, help)
	return e
}

// labelled adds an entry made elsewhere (a password field) to s.
func (w *wizard) labelled(s section, label string, e *keyEntry, help string) {
	w.labels[e] = s.add(label, e, help)
	w.entries = append(w.entries, e)
	w.initial[e] = e.Text
}

// typed says whether the person has typed anything into the details step
// that closing the wizard would throw away.
func (w *wizard) typed() bool {
	if w.step != stepFields {
		return false
	}
	for _, e := range w.entries {
		if e.Text != w.initial[e] {
			return true
		}
	}
	return false
}

// addParams asks for the provider's values (Vend's store): those with a
// usual value go under Advanced; those the sign-in brings back are not
// asked at all.
func (w *wizard) addParams(main, adv section) {
	for _, q := range w.provider.Params {
		if slices.Contains(w.method.CallbackParams, q.Name) {
			continue // the provider sends it back with the sign-in (Vend's store)
		}
		s := main
		if q.Default != "" {
			s = adv
		}
		w.params[q.Name] = w.field(s, q.Label, q.Default, q.Help)
	}
}

// where says where the app's client ID and secret are found.
func (w *wizard) where() string {
	if w.provider.DocsURL != "" {
		return "your app's page (see " + w.provider.DocsURL + ")"
	}
	return "your app's page in the provider's developer portal"
}

func (w *wizard) addBrowserFields(main, adv section) {
	m := w.method
	if m.ClientID != "" {
		w.clientID = w.field(adv, "Client ID", m.ClientID, "Filled in for you; change it only if you registered your own app.")
	} else {
		w.clientID = w.field(main, "Client ID", "", "The client ID (also called app ID or key) is on "+w.where()+".")
	}
	if m.Kind == catalog.KindOAuth && !m.PublicClient {
		w.clientSecret = w.entry("", "", true)
		w.labelled(main, "Client secret", w.clientSecret, "The client secret is next to the client ID on "+w.where()+". It is stored in your system keyring.")
	}
	if m.SendsScopes() {
		w.addScopes(main)
	}
	w.addRedirect(main, adv)
}

// addScopes offers the provider's known permissions as choices with their
// plain labels, and a free-text field for any other.
func (w *wizard) addScopes(main section) {
	var other []string
	known := map[string]bool{}
	for _, s := range w.method.KnownScopes {
		known[s.Name] = true
	}
	for _, s := range w.method.DefaultScopes {
		if !known[s] {
			other = append(other, s)
		}
	}
	help := "What Authdeck asks " + w.provider.Name + " to allow, separated by spaces. Leave it as it is unless you need more."
	if len(w.method.KnownScopes) > 0 {
		main.box.Add(boldLabel("Permissions"))
		for _, s := range w.method.KnownScopes {
			c := newKeyCheck(sanitize.Line(s.Label) + " (" + sanitize.Line(s.Name) + ")")
			c.Checked = slices.Contains(w.method.DefaultScopes, s.Name)
			c.onEscape, c.onEnter = w.escape, w.forward
			w.scopeChecks[s.Name] = c
			main.box.Add(c)
		}
		help = "Any other permission " + w.provider.Name + " names, separated by spaces."
		w.scopes = w.entry(strings.Join(other, " "), "", false)
		w.labelled(main, "Other permissions (optional)", w.scopes, help)
		return
	}
	w.scopes = w.field(main, "Permissions (scopes)", strings.Join(other, " "), help)
}

// addRedirect shows the address the sign-in comes back to. A person who
// registered their own app must give it to the provider; with the app
// Authdeck brings (the sandbox's) there is nothing to do, so it is folded
// away.
func (w *wizard) addRedirect(main, adv section) {
	uri, err := w.a.m.Catalog().DefaultRedirectURI(w.provider.ID, w.method.Kind)
	if err != nil {
		main.add("Redirect URI", wrapLabel(what(err)), "")
		return
	}
	w.redirectURI = uri
	shown := uri
	help := "Give this exact address to " + w.provider.Name + " as the redirect (callback) URI of your app."
	if strings.Contains(uri, ":0/") {
		shown = strings.Replace(uri, ":0/", ":<any port>/", 1)
		help = "Any port is fine: Authdeck picks a free one each time. Give " + w.provider.Name + " http://127.0.0.1 with this path."
	}
	copyBtn := w.button("Copy", theme.ContentCopyIcon(), func() {
		w.a.copyText(strings.Replace(uri, ":0/", "/", 1), "the redirect URI")
	})
	value := widget.NewLabelWithStyle(shown, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	value.Wrapping = fyne.TextWrapBreak
	row := container.NewBorder(nil, nil, nil, copyBtn, value)
	if w.method.ClientID != "" {
		adv.add("Redirect URI", row, "Where the sign-in comes back to Authdeck. Nothing to do here.")
		return
	}
	main.add("Redirect URI", row, help)
}

func (w *wizard) addPastedFields(main section) {
	m := w.method
	if m.Kind == catalog.KindBasic || m.Kind == catalog.KindSession {
		w.user = w.field(main, orDash(m.UserLabel, "User name"), "", "")
	}
	w.secret = w.entry("", "", true)
	w.labelled(main, orDash(m.SecretLabel, "Secret"), w.secret, "Paste it here; it is stored in your system keyring, never in a file.")
	if m.Kind == catalog.KindAPIKey || m.Kind == catalog.KindToken {
		w.expires = w.entry("", "YYYY-MM-DD", false)
		// The calendar as in Edit expiry (set before any text: see dateField).
		pick := widget.NewButtonWithIcon("", theme.CalendarIcon(), nil)
		pick.OnTapped = func() { w.a.pickDate(w.expires, pick) }
		w.expires.ActionItem = pick
		w.labelled(main, "Expires on (optional)", w.expires, "If the provider told you when this stops working, Authdeck reminds you before then.")
	}
}

// addUnconfirmed offers the values the provider's document leaves out,
// Authdeck's best guesses, for correction.
func (w *wizard) addUnconfirmed(adv section) {
	p := w.provider.Name
	for _, name := range w.method.UnconfirmedText() {
		value, _ := w.method.Field(name)
		if value == "" {
			continue
		}
		w.unconfirmed[name] = w.field(adv, sentenceStart(catalog.FieldWords(name))+" (Authdeck's best guess)", value,
			p+"'s documentation does not state this. If "+p+" gave you a different value, correct it here: Authdeck keeps your correction for next time.")
	}
}

// addAdvanced puts the folded section at the end of main.
func (w *wizard) addAdvanced(main, adv section) {
	intro := wrapLabel("Authdeck fills these in. Change them only if " + w.provider.Name +
		"'s documentation or support gives you different values, or a sign-in fails because of one of them.")
	w.advanced = container.NewVBox(intro, adv.box)
	w.advanced.Hide()
	w.advancedBtn = w.button("Advanced settings", theme.MenuExpandIcon(), func() { w.showAdvanced(!w.advanced.Visible()) })
	w.advancedBtn.Alignment = widget.ButtonAlignLeading
	w.advancedBtn.Importance = widget.LowImportance
	main.box.Add(widget.NewSeparator())
	main.box.Add(w.advancedBtn)
	main.box.Add(w.advanced)
}

func (w *wizard) showAdvanced(on bool) {
	if w.advanced == nil {
		return
	}
	showIf(w.advanced, on)
	icon := theme.MenuExpandIcon()
	if on {
		icon = theme.MenuDropDownIcon()
	}
	w.advancedBtn.SetIcon(icon)
	w.fields.Refresh() // lay the longer (or shorter) step out now
	w.scroll.Refresh()
}

// inAdvanced reports whether a field is in the folded section.
func (w *wizard) inAdvanced(e *keyEntry) bool {
	if w.advanced == nil {
		return false
	}
	found := false
	walk(w.advanced, func(o fyne.CanvasObject) {
		if o == e {
			found = true
		}
	})
	return found
}

func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	if c, ok := o.(*fyne.Container); ok {
		for _, child := range c.Objects {
			walk(child, fn)
		}
	}
}

// firstEntry is the first empty field shown, else the first field.
func (w *wizard) firstEntry() fyne.Focusable {
	for _, e := range w.entries {
		if e.Text == "" && !w.inAdvanced(e) && e != w.owner && e != w.note {
			return e
		}
	}
	if len(w.entries) > 0 {
		return w.entries[0]
	}
	return nil
}

// sentenceStart capitalises the first letter of words.
func sentenceStart(words string) string {
	if words == "" {
		return ""
	}
	return strings.ToUpper(words[:1]) + words[1:]
}

var nameUnsafe = regexp.MustCompile(`[^A-Za-z0-9 ._-]+`)

// uniqueName proposes a connection name from the provider's name that the
// store accepts and that is not taken yet.
func (w *wizard) uniqueName(base string) string {
	base = strings.Join(strings.Fields(nameUnsafe.ReplaceAllString(base, " ")), " ")
	if base == "" {
		base = "Connection"
	}
	name := base
	for i := 2; ; i++ {
		if _, taken := w.a.find(name); !taken {
			return name
		}
		name = fmt.Sprintf("%s %d", base, i)
	}
}

// text is an entry's text without surrounding spaces ("" for no entry).
func text(e *keyEntry) string {
	if e == nil {
		return ""
	}
	return strings.TrimSpace(e.Text)
}
