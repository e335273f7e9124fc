package ui

import (
	"sync"

	"fyne.io/fyne/v2"
)

// toUI queues fn on the UI goroutine. It is the only place in this package
// that crosses from another goroutine to the widgets: everything that runs
// in the background reaches the screen through here.
func toUI(fn func()) { fyne.Do(fn) }

// background runs work on its own goroutine and hands the result to done on
// the UI goroutine. The App counts the work in flight so that tests can wait
// for it (App.wait) instead of sleeping.
func background[T any](a *App, work func() (T, error), done func(T, error)) {
	if a.base.Err() != nil {
		return // the window is closing: Stop may be waiting for jobs already
	}
	a.jobs.Add(1)
	go func() {
		defer a.jobs.Done()
		v, err := work()
		toUI(func() { done(v, err) })
	}()
}

// early starts ask now, on a goroutine of its own, and returns what waits
// for its answer: for a question whose answer is needed later and costs a
// round trip (it is never asked again).
func early[T any](ask func() T) func() T {
	answer := make(chan T, 1)
	go func() { answer <- ask() }()
	return sync.OnceValue(func() T { return <-answer })
}
