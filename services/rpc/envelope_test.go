package rpc

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/fault"
)

func TestRequestUsesOsloKeys(t *testing.T) {
	c := Context{
		RequestID: "req-1", GlobalRequestID: "req-0", UserID: "u1", ProjectID: "p1",
		Roles: []string{"member", "reader"}, IsAdmin: true, AuthToken: "tok",
	}
	body, err := encodeRequest(c, "select_destinations", map[string]int{"num_instances": 2}, "uid", "mid", "reply_q1", 1500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"method":                     "select_destinations",
		"args":                       map[string]any{"num_instances": float64(2)},
		"_unique_id":                 "uid",
		"_msg_id":                    "mid",
		"_reply_q":                   "reply_q1",
		"_timeout":                   1.5,
		"_context_request_id":        "req-1",
		"_context_global_request_id": "req-0",
		"_context_user_id":           "u1",
		"_context_project_id":        "p1",
		"_context_roles":             []any{"member", "reader"},
		"_context_is_admin":          true,
		"_context_auth_token":        "tok",
	}
	if len(m) != len(want) {
		t.Errorf("body has keys %v, want %v", keys(m), keys(want))
	}
	for k, v := range want {
		got, _ := json.Marshal(m[k])
		exp, _ := json.Marshal(v)
		if string(got) != string(exp) {
			t.Errorf("%s = %s, want %s", k, got, exp)
		}
	}

	r, err := decodeRequest(body)
	if err != nil {
		t.Fatal(err)
	}
	if !r.isCall() || r.timeout() != 1500*time.Millisecond || r.Method != "select_destinations" {
		t.Errorf("decoded %+v", r)
	}
	rc := r.context()
	if rc.RequestID != c.RequestID || rc.GlobalRequestID != c.GlobalRequestID || rc.UserID != c.UserID ||
		rc.ProjectID != c.ProjectID || strings.Join(rc.Roles, ",") != "member,reader" || !rc.IsAdmin || rc.AuthToken != "tok" {
		t.Errorf("context = %+v, want %+v", rc, c)
	}
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestCastCarriesNoReplyKeys(t *testing.T) {
	body, err := encodeRequest(Context{}, "ping", nil, "uid", "", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"_msg_id", "_reply_q", "_timeout", "_context_auth_token", "_context_request_id"} {
		if strings.Contains(string(body), `"`+k+`"`) {
			t.Errorf("cast body has %s: %s", k, body)
		}
	}
	r, err := decodeRequest(body)
	if err != nil {
		t.Fatal(err)
	}
	if r.isCall() || string(r.Args) != "{}" {
		t.Errorf("decoded cast %+v with args %s", r, r.Args)
	}
}

func TestEncodeRequestRefusesUnencodableArgs(t *testing.T) {
	_, err := encodeRequest(Context{}, "m", map[string]any{"c": make(chan int)}, "u", "", "", 0)
	if !errors.Is(err, fault.Of(fault.Invalid)) {
		t.Errorf("err = %v, want Invalid", err)
	}
}

func TestDecodeRequestRejects(t *testing.T) {
	for _, body := range []string{``, `[]`, `{"args":{}}`, `{"method":""}`, `{"method":1}`} {
		if _, err := decodeRequest([]byte(body)); err == nil {
			t.Errorf("decodeRequest(%s) accepted it", body)
		}
	}
}

func TestReplyCarriesKindAndMessageOnly(t *testing.T) {
	cause := errors.New("SELECT * FROM volumes: connection reset by 10.0.0.5")
	body := encodeReply("mid", nil, fault.Wrap(cause, fault.NotFound, "Volume %s could not be found.", "v1"))
	if strings.Contains(string(body), "10.0.0.5") || strings.Contains(string(body), "SELECT") {
		t.Fatalf("reply leaks the internal cause: %s", body)
	}
	r, err := decodeReply(body)
	if err != nil {
		t.Fatal(err)
	}
	err = r.err("get_volume", Target{Topic: "volume"})
	if !errors.Is(err, fault.Of(fault.NotFound)) {
		t.Fatalf("err = %v, want NotFound", err)
	}
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Message != "Volume v1 could not be found." {
		t.Errorf("err = %#v", err)
	}
}

func TestReplyOfPlainErrorIsInternalAndGeneric(t *testing.T) {
	body := encodeReply("mid", nil, errors.New("pq: password authentication failed for user nova"))
	if strings.Contains(string(body), "password") {
		t.Fatalf("reply leaks the error text: %s", body)
	}
	r, _ := decodeReply(body)
	err := r.err("m", Target{Topic: "t"})
	if fault.KindOf(err) != fault.Internal || fault.MessageOf(err) == "" {
		t.Errorf("err = %v, want Internal with a generic message", err)
	}
}

func TestReplyOfUnknownKindIsInternal(t *testing.T) {
	r, err := decodeReply([]byte(`{"_msg_id":"m","failure":{"kind":"teapot","message":"short and stout"},"ending":true}`))
	if err != nil {
		t.Fatal(err)
	}
	err = r.err("m", Target{Topic: "t"})
	if fault.KindOf(err) != fault.Internal || fault.MessageOf(err) != "short and stout" {
		t.Errorf("err = %v", err)
	}
}

func TestReplyResult(t *testing.T) {
	r, err := decodeReply(encodeReply("mid", map[string]string{"host": "h1"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if r.err("m", Target{Topic: "t"}) != nil || !r.Ending {
		t.Fatalf("reply %+v", r)
	}
	var got struct{ Host string }
	if err := r.decodeResult(&got); err != nil || got.Host != "h1" {
		t.Errorf("result = %+v, %v", got, err)
	}
	if err := r.decodeResult(nil); err != nil {
		t.Errorf("decodeResult(nil) = %v", err)
	}
	var wrong []int
	if err := r.decodeResult(&wrong); fault.KindOf(err) != fault.Internal || err == nil {
		t.Errorf("decoding into the wrong type: %v", err)
	}
}

func TestReplyOfUnencodableResultIsInternal(t *testing.T) {
	r, _ := decodeReply(encodeReply("mid", make(chan int), nil))
	if fault.KindOf(r.err("m", Target{Topic: "t"})) != fault.Internal {
		t.Errorf("reply = %+v, want an Internal failure", r)
	}
}

func TestDecodeReplyRejects(t *testing.T) {
	for _, body := range []string{``, `{}`, `{"result":1}`, `"x"`} {
		if _, err := decodeReply([]byte(body)); err == nil {
			t.Errorf("decodeReply(%s) accepted it", body)
		}
	}
}
