// Package browsertest starts the system Chromium for tests that click
// through the pages Authdeck serves as a person does: headless, a fresh
// profile, driven with chromedp, and every process it started ended when
// the test ends.
//
// A test that needs it calls Start. Without Chromium the test is skipped,
// unless AUTHDECK_REQUIRE_CHROMIUM=1 (set by make test-go): then it fails.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path is the system Chromium (Debian's package "chromium").
const Path = "/usr/bin/chromium"

// TabTimeout bounds everything one tab does: generous, because two cores
// may be shared by many test processes and a cold Chromium start is slow.
const TabTimeout = 3 * time.Minute

// Browser is one running Chromium.
type Browser struct {
	t   testing.TB
	ctx context.Context // the browser's own context (its first tab)
}

// Start runs a headless Chromium for the test and stops it, with every
// helper process it started, when the test ends.
func Start(t testing.TB) *Browser {
	t.Helper()
	if _, err := os.Stat(Path); err != nil {
		if os.Getenv("AUTHDECK_REQUIRE_CHROMIUM") == "1" {
			t.Fatalf("chromium is required (AUTHDECK_REQUIRE_CHROMIUM=1) but %s is missing: apt-get install chromium", Path)
		}
		t.Skip("chromium is not installed (" + Path + ")")
	}
	var mu sync.Mutex
	var pgids []int
	opts := append(chromedp.DefaultExecAllocatorOptions[:0:0], chromedp.DefaultExecAllocatorOptions[:]...)
	opts = append(opts,
		chromedp.ExecPath(Path),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in the container; Chromium refuses its sandbox there
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.ModifyCmdFunc(func(cmd *exec.Cmd) {
			if cmd.SysProcAttr == nil {
				cmd.SysProcAttr = &syscall.SysProcAttr{}
			}
			cmd.SysProcAttr.Setpgid = true // its own group, so the cleanup reaches every helper process
		}),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		mu.Lock()
		defer mu.Unlock()
		for _, g := range pgids {
			_ = syscall.Kill(-g, syscall.SIGKILL)
		}
	})
	// The first Run starts the browser, which lives as long as the context
	// of that Run: so it gets ctx itself, not a shorter one. Note its
	// process group for the cleanup.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if b := chromedp.FromContext(ctx).Browser; b != nil {
		if p := b.Process(); p != nil {
			mu.Lock()
			pgids = append(pgids, p.Pid)
			mu.Unlock()
		}
	}
	return &Browser{t: t, ctx: ctx}
}

// Tab opens a new tab; its context ends with the test or after TabTimeout.
func (b *Browser) Tab() context.Context {
	ctx, cancel := chromedp.NewContext(b.ctx)
	ctx, cancelT := context.WithTimeout(ctx, TabTimeout)
	b.t.Cleanup(func() { cancelT(); cancel() })
	return ctx
}

// Opener returns a browser opener for a sign-in (what Authorize and the
// Manager call with the consent page's address): it opens the address in a
// new tab and hands that tab to the test through the channel, so the test
// can click what a person clicks.
func (b *Browser) Opener() (open func(url string) error, tabs <-chan context.Context) {
	ch := make(chan context.Context, 4)
	return func(url string) error {
		tab := b.Tab()
		if err := chromedp.Do(tab, chromedp.Navigate(url)); err != nil {
			return err
		}
		ch <- tab
		return nil
	}, ch
}

// Next waits for the next tab an Opener opened.
func (b *Browser) Next(tabs <-chan context.Context) context.Context {
	b.t.Helper()
	select {
	case tab := <-tabs:
		return tab
	case <-time.After(TabTimeout):
		b.t.Fatal("the browser was never opened")
		return nil
	}
}

// Click clicks the element css selects, as a person does, once it is visible.
func Click(ctx context.Context, css string) error {
	return chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(css)), chromedp.Click(chromedp.CSS(css)))
}

// Landing waits until an element css selects is visible (the page the
// browser ended on) and returns the tab's address and the body's text.
func Landing(ctx context.Context, css string) (location, text string, err error) {
	if err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(css))); err != nil {
		return "", "", err
	}
	if location, err = chromedp.Run(ctx, chromedp.Location()); err != nil {
		return "", "", err
	}
	text, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	return location, text, err
}

// Navigate loads url in the tab and waits for it to load.
func Navigate(ctx context.Context, url string) error {
	return chromedp.Do(ctx, chromedp.Navigate(url))
}

// Location is the tab's current address.
func Location(ctx context.Context) (string, error) {
	return chromedp.Run(ctx, chromedp.Location())
}

// Eval runs a JavaScript expression in the tab's page and decodes its value.
func Eval[T any](ctx context.Context, expression string) (T, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[T](expression))
}
