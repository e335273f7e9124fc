package ui

// wait blocks until no background work is in flight.
func (a *App) wait() { a.jobs.Wait() }
