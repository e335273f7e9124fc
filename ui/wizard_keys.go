package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The wizard's focusable widgets. Fyne hands a key to the focused widget
// only, and its own widgets ignore Escape (and buttons ignore Enter), so
// these pass Escape to the wizard and let Enter press a button: the whole
// add-connection journey then works from the keyboard alone.

// keyButton is a button that Enter presses, that passes Escape on, and that
// draws a ring while it has the keyboard focus (Fyne's own tint is too faint
// to see on a coloured button).
type keyButton struct {
	widget.Button
	// onEnter, when set, runs on Enter instead of a press.
	onEnter, onEscape func()
	// onFocus runs when the keyboard focus arrives (to scroll it into view).
	onFocus func()
	focused bool
}

func newKeyButton(label string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Enter or Space, keeping the focus, and
// passes Escape on.
func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		switch {
		case b.Disabled():
		case b.onEnter != nil:
			b.onEnter()
		case b.OnTapped != nil:
			b.OnTapped()
		}
	case fyne.KeySpace:
		// Not Tapped: a tap takes the focus away (it is meant for the mouse).
		if !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
		}
	case fyne.KeyEscape:
		if b.onEscape != nil {
			b.onEscape()
		}
	default:
		b.Button.TypedKey(ev)
	}
}

// FocusGained shows the ring.
func (b *keyButton) FocusGained() {
	b.focused = true
	b.Button.FocusGained()
	if b.onFocus != nil {
		b.onFocus()
	}
}

// FocusLost hides the ring.
func (b *keyButton) FocusLost() {
	b.focused = false
	b.Button.FocusLost()
}

// CreateRenderer draws Fyne's button with a focus ring around it.
func (b *keyButton) CreateRenderer() fyne.WidgetRenderer {
	ring := canvas.NewRectangle(nil)
	ring.FillColor = nil
	r := &ringRenderer{WidgetRenderer: b.Button.CreateRenderer(), ring: ring, focused: func() bool { return b.focused }}
	r.objects = append(append([]fyne.CanvasObject{}, r.WidgetRenderer.Objects()...), ring)
	r.Refresh()
	return r
}

// ringRenderer adds a focus ring to another renderer.
type ringRenderer struct {
	fyne.WidgetRenderer
	ring    *canvas.Rectangle
	focused func() bool
	objects []fyne.CanvasObject
}

func (r *ringRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.ring.Move(fyne.NewPos(0, 0))
	r.ring.Resize(size)
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.ring.StrokeColor = theme.Color(theme.ColorNamePrimary)
	r.ring.StrokeWidth = 2 * theme.Size(theme.SizeNameInputBorder)
	r.ring.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	r.ring.Hidden = !r.focused()
	r.ring.Refresh()
}

// keyEntry is a one-line entry that passes Escape on; Enter runs
// OnSubmitted as in Fyne's own entry.
type keyEntry struct {
	widget.Entry
	onEscape func()
	onFocus  func() // runs when the keyboard focus arrives
}

// FocusGained scrolls the field into view, where the wizard asks for it.
func (e *keyEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.onFocus != nil {
		e.onFocus()
	}
}

func newKeyEntry(password bool) *keyEntry {
	e := &keyEntry{}
	e.Password = password
	if password {
		e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey passes Escape on, and submits on Enter without redrawing
// afterwards: submitting may close the wizard or start work whose result
// redraws the entry.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeyEscape && e.onEscape != nil:
		e.onEscape()
	case (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && !e.MultiLine && e.OnSubmitted != nil:
		e.OnSubmitted(e.Text)
	default:
		e.Entry.TypedKey(ev)
	}
}

// keyCheck is a check box that Enter submits and that passes Escape on.
type keyCheck struct {
	widget.Check
	onEscape, onEnter func()
	onFocus           func() // runs when the keyboard focus arrives
}

// FocusGained scrolls the box into view, where the wizard asks for it.
func (c *keyCheck) FocusGained() {
	c.Check.FocusGained()
	if c.onFocus != nil {
		c.onFocus()
	}
}

func newKeyCheck(label string) *keyCheck {
	c := &keyCheck{}
	c.Text = label
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey passes Escape and Enter on (Space ticks the box).
func (c *keyCheck) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		if c.onEscape != nil {
			c.onEscape()
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if c.onEnter != nil {
			c.onEnter()
		}
	}
}

// choice offers options of which one is chosen, like a radio group, but
// each option is a button the keyboard reaches with Tab, chooses with Space
// and confirms with Enter (choose, then go on). An option's words are a
// label over its button that wraps: a button's own words never wrap, and a
// long option (the sandbox's "Try the whole sign-in…") widened the wizard
// past a 500 px window's edge, where it was cut.
type choice struct {
	box       *fyne.Container
	options   []*keyButton
	labels    []string       // each option's words, by index
	marks     []*widget.Icon // each option's radio mark
	Selected  string
	OnChanged func(string)
	onEnter   func()
	onEscape  func()
}

func newChoice(changed func(string)) *choice {
	return &choice{box: container.NewVBox(), OnChanged: changed}
}

// SetOptions replaces the options; none is chosen.
func (c *choice) SetOptions(labels []string) {
	c.options, c.labels, c.marks, c.Selected = nil, labels, nil, ""
	c.box.RemoveAll()
	for _, label := range labels {
		b := newKeyButton("", nil, func() { c.SetSelected(label) })
		b.Importance = widget.LowImportance
		b.onEscape = func() { c.escape() }
		b.onEnter = func() {
			c.SetSelected(label)
			if c.onEnter != nil {
				c.onEnter()
			}
		}
		mark := widget.NewIcon(theme.RadioButtonIcon())
		words := widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		words.Wrapping = fyne.TextWrapWord
		// Neither the mark nor the words take taps: they reach the button.
		over := container.NewBorder(nil, nil, container.NewCenter(mark), nil, words)
		c.options = append(c.options, b)
		c.marks = append(c.marks, mark)
		c.box.Add(container.NewStack(b, container.New(layout.NewCustomPaddedLayout(0, 0, theme.Padding(), 0), over)))
	}
}

// option is the button of the option with these words, or nil.
func (c *choice) option(label string) *keyButton {
	for i, l := range c.labels {
		if l == label {
			return c.options[i]
		}
	}
	return nil
}

func (c *choice) escape() {
	if c.onEscape != nil {
		c.onEscape()
	}
}

// SetSelected chooses the option with this label.
func (c *choice) SetSelected(label string) {
	c.Selected = label
	for i, l := range c.labels {
		icon := theme.RadioButtonIcon()
		if l == label {
			icon = theme.RadioButtonCheckedIcon()
		}
		c.marks[i].SetResource(icon)
	}
	if c.OnChanged != nil {
		c.OnChanged(label)
	}
}

// focusTarget is the option to focus first: the chosen one, else the first.
func (c *choice) focusTarget() fyne.Focusable {
	if b := c.option(c.Selected); b != nil {
		return b
	}
	if len(c.options) > 0 {
		return c.options[0]
	}
	return nil
}

// keySelect is a drop-down list that passes Escape and Enter on to its
// dialog once it has the focus (a focused widget gets every key first,
// and a plain Select keeps both).
type keySelect struct {
	widget.Select
	onEscape, onEnter func()
}

func newKeySelect(options []string) *keySelect {
	s := &keySelect{}
	s.Options = options
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey passes Escape and Enter on; the rest (Space, the arrows) opens
// and moves the list as usual.
func (s *keySelect) TypedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeyEscape && s.onEscape != nil:
		s.onEscape()
	case (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && s.onEnter != nil:
		s.onEnter()
	default:
		s.Select.TypedKey(ev)
	}
}
