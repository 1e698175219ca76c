package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gostack/gostack/services/fault"
)

// ErrNoBody is the cause of the error DecodeJSON returns for a request
// without a body, so handlers that accept one can test errors.Is(err, ErrNoBody).
var ErrNoBody = errors.New("httpapi: request has no body")

// WriteJSON answers with v encoded as JSON and Content-Type
// application/json, as all four services do. HTML-significant characters
// are not escaped, matching Python's json.dumps. If v cannot be encoded
// the client gets a 500 in the service's error shape.
func WriteJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := marshal(v)
	if err != nil {
		WriteError(w, r, fault.Wrap(fmt.Errorf("encode response: %w", err), fault.Internal, ""))
		return
	}
	writeRaw(w, status, "application/json", b)
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// writeBody is WriteJSON for values that always encode (error bodies).
func writeBody(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := marshal(v)
	if err != nil {
		b = []byte(`{}`)
	}
	writeRaw(w, status, contentType, b)
}

func writeRaw(w http.ResponseWriter, status int, contentType string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// DecodeJSON reads r's body, at most Config.MaxBodyBytes of it, into v,
// and answers the way the configured service does when it cannot:
//
//   - Nova: Content-Type absent, empty, text/plain or a JSON type; anything
//     else is 415 "Unsupported Content-Type"; bad JSON is 400 "Malformed
//     request body" (nova/api/openstack/wsgi.py).
//   - Cinder: a body without Content-Type is ignored (ErrNoBody); other
//     non-JSON types are 415; bad JSON is 400 "Malformed request body".
//   - Keystone: non-JSON Content-Type, bad JSON or a non-object are 400
//     ValidationErrors (keystone/server/flask/request_processing/json_body.py).
//   - Glance: any Content-Type; bad JSON is 400 "Malformed JSON in request
//     body."; a scalar is 400 "Unexpected body type. Expected list/dict."
//
// Too large a body is 413 with oslo.middleware sizelimit's message. An
// empty body is an Invalid error wrapping ErrNoBody.
func DecodeJSON(r *http.Request, v any) error {
	cfg := configOf(r)
	f := cfg.Flavor
	if err := checkContentType(f, r.Header.Get("Content-Type")); err != nil {
		return err
	}
	if f == Cinder && r.Header.Get("Content-Type") == "" {
		return fault.Wrap(ErrNoBody, fault.Invalid, "%s", noBodyMessage(f))
	}
	limit := cfg.MaxBodyBytes
	if r.ContentLength > limit && f != Glance {
		return fault.New(fault.TooLarge, "Request is too large. Larger than max_request_body_size (%d).", limit)
	}
	if r.Body == nil {
		return fault.Wrap(ErrNoBody, fault.Invalid, "%s", noBodyMessage(f))
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return fault.Wrap(fmt.Errorf("read request body: %w", err), fault.Invalid, "%s", malformedMessage(f))
	}
	if int64(len(data)) > limit {
		return fault.New(fault.TooLarge, "Request is too large. Larger than %d.", limit)
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return fault.Wrap(ErrNoBody, fault.Invalid, "%s", noBodyMessage(f))
	}
	if !json.Valid(data) {
		return fault.Wrap(errors.New("invalid JSON"), fault.Invalid, "%s", malformedMessage(f))
	}
	switch {
	case f == Keystone && data[0] != '{':
		return fault.New(fault.Invalid, "%s", malformedMessage(f))
	case f == Glance && data[0] != '{' && data[0] != '[':
		return fault.New(fault.Invalid, "Unexpected body type. Expected list/dict.")
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fault.Wrap(fmt.Errorf("decode request body: %w", err), fault.Invalid, "%s", malformedMessage(f))
	}
	return nil
}

func checkContentType(f Flavor, header string) error {
	if f == Glance || strings.TrimSpace(header) == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(header)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.Split(header, ";")[0]))
	}
	switch f {
	case Keystone:
		if mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
			return nil
		}
		return fault.New(fault.Invalid, "Expecting to find application/json in Content-Type header. %s", keystoneValidationTail)
	case Nova:
		switch mt {
		case "application/json", "application/vnd.openstack.compute+json", "text/plain":
			return nil
		}
	case Cinder:
		switch mt {
		case "application/json", "application/vnd.openstack.volume+json":
			return nil
		}
	}
	return fault.New(fault.Unsupported, "Unsupported Content-Type")
}

const keystoneValidationTail = "The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."

func malformedMessage(f Flavor) string {
	switch f {
	case Keystone:
		return "Expecting to find valid JSON in request body. " + keystoneValidationTail
	case Glance:
		return "Malformed JSON in request body."
	}
	return "Malformed request body"
}

func noBodyMessage(f Flavor) string {
	if f == Glance {
		return "Body expected in request."
	}
	return malformedMessage(f)
}
