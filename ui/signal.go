package ui

import (
	"os"
	"os/signal"
	"syscall"
)

// quitOnSignal makes SIGTERM and SIGINT (logging out, kill, Ctrl+C in the
// terminal that started the window) quit the way File › Quit does, through
// a.quitNow on the UI goroutine. It must run before the window shows: Fyne
// starts its own handler only once its loop runs, and until then the
// default action killed the program mid-start (exit status 143 in about a
// third of the soak's SIGTERMs), skipping the clean-up. The returned stop
// ends the handling once the loop has returned.
func (a *App) quitOnSignal() (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, os.Interrupt)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			// Queued: the loop takes it as soon as it runs. After the loop
			// has returned (done) the app is quitting already.
			toUI(func() {
				if a.base.Err() == nil {
					a.quitNow()
				}
			})
		case <-done:
		}
	}()
	return func() {
		close(done)
		// Fyne's own handler stays registered: a signal from now on still
		// reaches a channel, never the default action.
	}
}
