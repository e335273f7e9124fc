package check

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A provider that sends 200 and then trickles its answer past the time
// limit has not answered: before, the cut-off body was taken as an OK.
func TestRunSlowAnswerIsNotOK(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"email":"ann@example.com","pad":"`))
		w.(http.Flusher).Flush()
		for range 200 { // at most 10 s, ended early by the client going away
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
				_, _ = w.Write([]byte("x"))
				w.(http.Flusher).Flush()
			}
		}
	}))
	defer srv.Close()
	hc := srv.Client()
	hc.Timeout = 300 * time.Millisecond
	res := Run(context.Background(), hc, newRequest(t, srv.URL+"/me"), now)
	if res.OK || res.Account != "" || !strings.Contains(res.Message, "timed out") {
		t.Fatalf("got %+v, want a time-out that is not OK", res)
	}
}
