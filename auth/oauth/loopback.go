package oauth

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
)

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
		fl.take(w, r.URL.Query())
	case r.Method == http.MethodPost && fl.implicit:
		if o := r.Header.Get("Origin"); o != "" && o != "null" && !fl.hostAllowed(strings.TrimPrefix(o, "http://")) {
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
		fl.take(w, q)
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
func (fl *flow) take(w http.ResponseWriter, q url.Values) {
	name := fl.cfg.name
	cb, err := parseCallback(q, fl.expect)
	switch {
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
	a := answer{cb: cb, err: err, reply: make(chan page, 1)}
	fl.answers <- a // buffered, and only the one claimed answer is sent
	select {
	case p := <-a.reply:
		writePage(w, p.status, p)
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
