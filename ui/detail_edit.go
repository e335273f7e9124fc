package ui

import (
	"strings"
	"time"

	"authdeck/auth"
)

// The detail pane's dialogs that change a connection: Edit expiry,
// Replace key…, Rename…. Each stays open until the core accepts what was
// typed; a problem marks its field and says what to type.

// editExpiry asks for the last day a pasted credential works.
func (d *detailPane) editExpiry() {
	c := d.conn
	date := d.a.dateField("Expires on", "The last day this "+methodWords(c)+
		" works, as the provider says (it stays valid until the end of that day). Leave it empty if it does not expire.", c.ExpiresAt)
	pastOK := ""
	d.a.showForm("Expiry of "+c.Name, "Save", "", []*formField{date}, func(fd *formDialog) {
		at, ok := d.a.checkDate(fd, date, &pastOK)
		if !ok {
			return
		}
		fd.working(true)
		d.a.setBusy(c.Name, true)
		background(d.a, func() (auth.Connection, error) { return d.a.m.SetExpiry(d.a.ctx(), c.Name, at) },
			func(saved auth.Connection, err error) {
				d.a.setBusy(c.Name, false)
				if err != nil {
					fd.failWith(err, c, map[auth.Input]*formField{auth.InputExpires: date})
					return
				}
				fd.done()
				d.a.say(saved.Name + ": expiry saved, " + countdownWords(saved, d.a.m.Now()) + ".")
				d.a.reload()
			})
	})
}

// checkDate reads a date field: a date that cannot be read marks the
// field; a date in the past is asked about once (pastOK remembers the
// date the person confirmed by pressing Save again).
func (a *App) checkDate(fd *formDialog, f *formField, pastOK *string) (*time.Time, bool) {
	at, err := parseDate(f.entry.Text)
	if err != nil { // the core's words name no field: these say what to type
		fd.fail(f, dateProblem(f.entry.Text))
		return nil, false
	}
	now := a.m.Now()
	if at == nil || at.After(now) || *pastOK == f.entry.Text {
		return at, true
	}
	*pastOK = f.entry.Text
	msg := f.entry.Text + " has already passed: saved like this, it shows as expired."
	if next := at.AddDate(1, 0, 0); next.After(now) {
		msg += " Did you mean " + auth.FormatDate(next, time.Local) + "?"
	}
	fd.fail(f, msg+" Press "+fd.save.Text+" again to keep "+f.entry.Text+".")
	return nil, false
}

// dateProblem says what is wrong with a typed date and how to write it.
func dateProblem(typed string) string {
	example := time.Now().AddDate(1, 0, 0).Format(auth.DateLayout)
	if t := strings.TrimSpace(typed); len(t) == len(auth.DateLayout) && t[4] == '-' && t[7] == '-' {
		return "There is no day " + t + " in the calendar: check the month and the day."
	}
	return "Write the date as year-month-day with dashes, for example " + example + "."
}

// replaceKey asks for the new key and its expiry, and stores them in place
// of the old ones: same name, owner, note and history.
func (d *detailPane) replaceKey() {
	c := d.conn
	secret := newField("New "+methodWords(c), "Get a new "+methodWords(c)+" from "+c.ProviderName+
		" and paste it here; it goes to your system keyring and stays hidden unless you press the eye.", true)
	secret.entry.SetPlaceHolder("Paste the new " + methodWords(c))
	date := d.a.dateField("Expires on", "The last day it works; leave it empty for "+c.ProviderName+"'s usual lifetime.", nil)
	pastOK, emptyOK := "", false
	d.a.showForm("Replace the key of "+c.Name, "Replace", "", []*formField{secret, date}, func(fd *formDialog) {
		if strings.TrimSpace(secret.entry.Text) == "" {
			fd.fail(secret, "Paste the new "+methodWords(c)+" here first.")
			return
		}
		at, ok := d.a.checkDate(fd, date, &pastOK)
		if !ok {
			return
		}
		// An expiry the person set for the old key is not dropped without
		// a word (the walk's token lost its date, and its warning, this way).
		if at == nil && c.ExpiresAt != nil && !c.ExpiryEstimated && !emptyOK {
			emptyOK = true
			fd.fail(date, "The old key's last day was "+auth.FormatDate(*c.ExpiresAt, time.Local)+
				". Enter the new key's last day, or press Replace again to leave it empty ("+c.ProviderName+"'s usual lifetime, if it has one).")
			return
		}
		fd.working(true)
		key := secret.entry.Text
		d.a.setBusy(c.Name, true)
		background(d.a, func() (auth.Connection, error) { return d.a.m.Replace(d.a.ctx(), c.Name, key, at) },
			func(saved auth.Connection, err error) {
				d.a.setBusy(c.Name, false)
				if err != nil {
					fd.failWith(err, c, map[auth.Input]*formField{auth.InputSecret: secret, auth.InputExpires: date})
					return
				}
				fd.done()
				d.a.say(saved.Name + ": key replaced, " + countdownWords(saved, d.a.m.Now()) + ".")
				d.a.reload()
			})
	})
}

// rename asks for a new name; secrets, owner, note and history stay.
func (d *detailPane) rename() {
	c := d.conn
	name := newField("New name", "Letters, digits, spaces, dots, dashes or underscores. Everything else about the connection stays.", false)
	name.entry.SetText(c.Name)
	d.a.showForm("Rename "+c.Name, "Rename", "", []*formField{name}, func(fd *formDialog) {
		fd.working(true)
		to := strings.TrimSpace(name.entry.Text)
		d.a.setBusy(c.Name, true)
		d.a.setBusy(to, true)
		background(d.a, func() (auth.Connection, error) { return d.a.m.Rename(d.a.ctx(), c.Name, to) },
			func(renamed auth.Connection, err error) {
				d.a.setBusy(c.Name, false)
				d.a.setBusy(to, false)
				if err != nil {
					fd.failWith(err, c, map[auth.Input]*formField{auth.InputName: name})
					return
				}
				fd.done()
				d.a.say(c.Name + " is now called " + renamed.Name + ".")
				d.a.selectAndReload(renamed.Name)
			})
	})
}

// parseDate reads a typed date with the core's one meaning (the end of that
// day, local time); "" means none.
func parseDate(s string) (*time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	t, err := auth.ParseDate(s, time.Local)
	if err != nil {
		return nil, err
	}
	return &t, nil
}
