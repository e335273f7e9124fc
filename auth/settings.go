package auth

import (
	"encoding/json"
	"path/filepath"
	"time"

	"authdeck/auth/private"
	"authdeck/auth/store"
)

// settingsFile keeps the choices that the window and the command line share,
// beside connections.json.
const settingsFile = "settings.json"

// DefaultExpiringDays is the warning window until a person changes it.
const DefaultExpiringDays = 7

// maxExpiringDays bounds the warning window to something a calendar shows.
const maxExpiringDays = 365

type settings struct {
	Version            int `json:"version"`
	ExpiringWithinDays int `json:"expiring_within_days,omitempty"`
}

// ExpiringWithin is the warning window: a credential that cannot renew
// itself turns "expiring" this long before it expires. It is read from the
// config folder each time, so a change made in the window reaches every
// command and every other open window.
func (prefs *Settings) ExpiringWithin() time.Duration {
	m := prefs.m
	return time.Duration(m.readSettings().ExpiringWithinDays) * 24 * time.Hour
}

// ExpiringDays is ExpiringWithin in whole days, as Settings shows it.
func (prefs *Settings) ExpiringDays() int { return prefs.m.readSettings().ExpiringWithinDays }

// SetExpiringWithin keeps a new warning window of days (1 to 365).
func (prefs *Settings) SetExpiringWithin(days int) (err error) {
	defer classify(&err)
	m := prefs.m
	if days < 1 || days > maxExpiringDays {
		return inputError(InputNone, "the warning window must be between 1 and %d days, not %d", maxExpiringDays, days)
	}
	s := m.readSettings()
	s.Version, s.ExpiringWithinDays = 1, days
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return store.WriteFile(filepath.Join(m.dir, settingsFile), append(data, '\n'))
}

// readSettings never fails: a missing or unreadable file means the defaults,
// since a warning window is no reason to refuse to show connections.
func (m *Manager) readSettings() settings {
	s := settings{Version: 1, ExpiringWithinDays: DefaultExpiringDays}
	// Like connections.json: never wait on a FIFO, never trust a file that
	// others can change (its window would only be a nuisance, so the
	// defaults stand in; saving a setting replaces the file with a private one).
	data, err := private.ReadFile(filepath.Join(m.dir, settingsFile), 64<<10)
	if err != nil {
		return s
	}
	var f settings
	if json.Unmarshal(data, &f) != nil || f.ExpiringWithinDays < 1 || f.ExpiringWithinDays > maxExpiringDays {
		return s
	}
	s.ExpiringWithinDays = f.ExpiringWithinDays
	return s
}
