package jsonclient

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gostack/gostack/services/fault"
)

// TestDo: the token, the extra headers and the JSON body go out, a JSON
// answer comes back, an error status goes through ErrorOf.
func TestDo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusConflict)
			return
		}
		if r.Header.Get("X-Auth-Token") != "tok" || r.Header.Get("OpenStack-API-Version") != "volume 3.44" ||
			r.Header.Get("Content-Type") != "application/json" || string(b) != `{"a":1}` {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	s := Service{Name: "test service", MaxBody: 1 << 10, ErrorOf: func(status int, body []byte) error {
		return fault.New(fault.Conflict, "status %d", status)
	}}
	var out struct{ OK bool }
	req := Request{Method: "POST", URL: srv.URL + "/x", Token: "tok", Header: map[string]string{"OpenStack-API-Version": "volume 3.44"}, In: map[string]int{"a": 1}}
	if err := s.Do(context.Background(), nil, req, &out); err != nil || !out.OK {
		t.Fatalf("do: %v %+v", err, out)
	}
	req.URL = srv.URL + "/fail"
	if err := s.Do(context.Background(), nil, req, &out); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("error status: %v", err)
	}
	req.URL = "http://127.0.0.1:1/x"
	if err := s.Do(context.Background(), nil, req, nil); fault.KindOf(err) != fault.Unavailable {
		t.Fatalf("unreachable: %v", err)
	}
}
