package oauth

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
)

// bind listens for the browser's answer. For a redirect address naming
// localhost it listens on every address localhost means to a browser, on
// the same port: 127.0.0.1 and ::1. Chromium resolves localhost itself and
// tries ::1 as well as 127.0.0.1 whatever /etc/hosts says, so a port left
// free on one of them is free for any local user to receive the code or
// the token there. If ::1 on that port is taken, nothing is started (for
// "any port", another port is tried); a computer without IPv6 has no ::1
// for anyone, so there 127.0.0.1 alone is enough.
func (l loopback) bind(provider string) ([]net.Listener, int, error) {
	refuse := func(addr string, err error) error {
		return fmt.Errorf("cannot listen on %s for the browser's answer (%v): another program, or another connect, may be using the port; close it, or register another redirect address with %s and use that",
			addr, errors.Unwrap(err), provider)
	}
	if !l.localhost {
		addr := net.JoinHostPort(l.bindHost, l.port)
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, 0, refuse(addr, err)
		}
		return []net.Listener{ln}, ln.Addr().(*net.TCPAddr).Port, nil
	}
	var err error
	for try := 0; try < 5; try++ {
		v4, e := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", l.port))
		if e != nil {
			return nil, 0, refuse(net.JoinHostPort("127.0.0.1", l.port), e)
		}
		port := v4.Addr().(*net.TCPAddr).Port
		addr6 := net.JoinHostPort("::1", strconv.Itoa(port))
		v6, e := net.Listen("tcp6", addr6)
		switch {
		case e == nil:
			return []net.Listener{v4, v6}, port, nil
		case noIPv6(e):
			return []net.Listener{v4}, port, nil
		}
		_ = v4.Close()
		err = refuse(addr6, e)
		if l.port != "0" {
			break
		}
	}
	return nil, 0, err
}

// noIPv6 reports an error that means this computer has no ::1 at all.
func noIPv6(err error) bool {
	return errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT) || errors.Is(err, syscall.EPROTONOSUPPORT)
}

// hosts are the Host headers the callback answers: the redirect address's
// own and every address it listens on.
func (l loopback) hosts(port int) []string {
	p := strconv.Itoa(port)
	out := []string{net.JoinHostPort(l.u.Hostname(), p), net.JoinHostPort(l.bindHost, p)}
	if l.localhost {
		out = append(out, net.JoinHostPort("::1", p))
	}
	return out
}

func (fl *flow) hostAllowed(host string) bool {
	for _, h := range fl.hosts {
		if strings.EqualFold(host, h) {
			return true
		}
	}
	return false
}

// ServeHTTP answers only the callback path; everything else is a 404. A
// request naming another host is refused: a web page that rebinds a DNS
// name to 127.0.0.1 must not reach the callback.
func (fl *flow) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !fl.hostAllowed(r.Host) {
		writePlain(w, http.StatusMisdirectedRequest, "wrong host")
		return
	}
	if r.URL.Path != fl.lb.path() {
		writePlain(w, http.StatusNotFound, "not found")
		return
	}
	switch {
	case r.Method == http.MethodGet && fl.implicit && r.URL.RawQuery == "":
		// The token is in the fragment, which only a page can read.
		writeRelay(w)
	case r.Method == http.MethodGet:
		fl.take(w, r.URL.Query(), r.Header.Get("Referer"))
	case r.Method == http.MethodPost && fl.implicit:
		// Only the relay page, served from this origin, posts here: a
		// browser names its origin (the page's referrer policy lets it).
		// "null" (a sandboxed frame, a data: URL) is another page.
		if o := r.Header.Get("Origin"); o != "" && (!strings.HasPrefix(o, "http://") || !fl.hostAllowed(strings.TrimPrefix(o, "http://"))) {
			writePlain(w, http.StatusForbidden, "cross-origin request refused")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			writePlain(w, http.StatusBadRequest, "unreadable form")
			return
		}
		q, err := url.ParseQuery(r.PostForm.Get("fragment"))
		if err != nil {
			q = url.Values{}
		}
		fl.take(w, q, r.PostForm.Get("referrer"))
	default:
		w.Header().Set("Allow", "GET")
		writePlain(w, http.StatusMethodNotAllowed, "method not allowed")
	}
}

// take reads one callback. An answer that does not belong to this sign-in
// (state missing or wrong) or that carries nothing is answered with a page
// and ignored: the sign-in goes on waiting for the real one. The first
// answer that belongs to it ends the wait; the page it gets says how the
// exchange went.
func (fl *flow) take(w http.ResponseWriter, q url.Values, referrer string) {
	name := fl.cfg.name
	cb, err := parseCallbackFrom(q, fl.expect, referrer)
	switch {
	case errors.Is(err, errStateMissing):
		fl.notify(NoticeStateMissing)
		writePage(w, http.StatusBadRequest, page{Title: "This answer was not used", Class: "fail",
			Message: "It came without the anti-forgery value (state) Authdeck sent to " + name + ", and the browser did not say it came from " + name +
				"'s sign-in page, so it could have been made up by another web page. Authdeck is still waiting: finish the sign-in on the page Authdeck opened, or cancel in Authdeck."})
		return
	case errors.Is(err, errEmptyAnswer):
		fl.notify(NoticeEmptyAnswer)
		writePage(w, http.StatusBadRequest, page{Title: "No answer from " + name, Class: "fail",
			Message: "The browser came back from " + name + " without a code, a token or an error. If " + name +
				"'s page showed an error, go back to read it. Authdeck is still waiting: approve again, or cancel in Authdeck."})
		return
	case errors.Is(err, ErrStateMismatch):
		fl.notify(NoticeForeignAnswer)
		writePage(w, http.StatusBadRequest, page{Title: "This answer was ignored", Class: "fail",
			Message: "It does not belong to the sign-in Authdeck is waiting for. Finish the sign-in on the page Authdeck opened, or cancel in Authdeck."})
		return
	}
	if !fl.claim() {
		writePage(w, http.StatusConflict, page{Title: "This sign-in is already finished", Class: "fail",
			Message: "Authdeck takes one answer per sign-in. To connect again, start again from Authdeck."})
		return
	}
	a := answer{cb: cb, err: err, reply: make(chan page, 1), written: make(chan struct{})}
	defer close(a.written)
	fl.answers <- a // buffered, and only the one claimed answer is sent
	select {
	case p := <-a.reply:
		// The last page: sent whole before Authorize may return and the
		// program exit (connect exited before the browser had its page).
		w.Header().Set("Connection", "close")
		writePage(w, p.status, p)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	case <-fl.quit:
		// Authorize replies before it stops: a reply sent is in the buffer.
		select {
		case p := <-a.reply:
			writePage(w, p.status, p)
		default:
			writePage(w, http.StatusServiceUnavailable, page{Title: "The sign-in was stopped", Class: "fail",
				Message: "Authdeck stopped waiting before this answer could be used. Start again from Authdeck."})
		}
	}
}

// claim reports whether this is the first answer that belongs to the flow.
func (fl *flow) claim() bool {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if fl.claimed {
		return false
	}
	fl.claimed = true
	return true
}

// notify tells the caller, once per kind, about an answer that was ignored.
func (fl *flow) notify(kind NoticeKind) {
	fl.mu.Lock()
	first := !fl.noticed[kind]
	fl.noticed[kind] = true
	fl.mu.Unlock()
	if first && fl.notice != nil {
		fl.notice(Notice{Kind: kind, Provider: fl.cfg.name})
	}
}

// pageFor is the page that ends the sign-in in the browser.
func (fl *flow) pageFor(err error) page {
	name := fl.cfg.name
	switch {
	case err == nil:
		return page{status: http.StatusOK, Title: "Connected to " + name, Class: "ok",
			Message: "Authdeck received the sign-in and stored it."}
	case errors.Is(err, ErrAccessDenied):
		return page{status: http.StatusForbidden, Title: "Access was denied", Class: "fail",
			Message: "Nothing was connected to " + name + ". To try again, start again from Authdeck and approve the request."}
	}
	return page{status: http.StatusBadRequest, Title: "Could not connect to " + name, Class: "fail", Message: err.Error()}
}
