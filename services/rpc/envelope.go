package rpc

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gostack/gostack/services/fault"
)

// wireContext is Context in oslo's "_context_*" keys.
type wireContext struct {
	RequestID       string   `json:"_context_request_id,omitempty"`
	GlobalRequestID string   `json:"_context_global_request_id,omitempty"`
	UserID          string   `json:"_context_user_id,omitempty"`
	ProjectID       string   `json:"_context_project_id,omitempty"`
	Roles           []string `json:"_context_roles,omitempty"`
	IsAdmin         bool     `json:"_context_is_admin"`
	AuthToken       string   `json:"_context_auth_token,omitempty"`
}

// request is the body of a call, cast or fanout message.
type request struct {
	Method   string          `json:"method"`
	Args     json.RawMessage `json:"args"`
	UniqueID string          `json:"_unique_id"`
	MsgID    string          `json:"_msg_id,omitempty"`  // calls only
	ReplyQ   string          `json:"_reply_q,omitempty"` // calls only
	Timeout  float64         `json:"_timeout,omitempty"` // calls only, seconds
	wireContext
}

// isCall reports whether the sender waits for a reply.
func (r *request) isCall() bool { return r.MsgID != "" && r.ReplyQ != "" }

// timeout is the caller's timeout, zero if it sent none.
func (r *request) timeout() time.Duration {
	return time.Duration(r.Timeout * float64(time.Second))
}

// context returns the request context the message carries.
func (r *request) context() Context {
	w := r.wireContext
	return Context{
		RequestID: w.RequestID, GlobalRequestID: w.GlobalRequestID,
		UserID: w.UserID, ProjectID: w.ProjectID, Roles: w.Roles,
		IsAdmin: w.IsAdmin, AuthToken: w.AuthToken,
	}
}

func toWireContext(c Context) wireContext {
	return wireContext{
		RequestID: c.RequestID, GlobalRequestID: c.GlobalRequestID,
		UserID: c.UserID, ProjectID: c.ProjectID, Roles: c.Roles,
		IsAdmin: c.IsAdmin, AuthToken: c.AuthToken,
	}
}

// encodeRequest builds a message body. args must marshal to JSON; nil
// sends an empty object, as oslo's empty kwargs.
func encodeRequest(c Context, method string, args any, uniqueID, msgID, replyQ string, timeout time.Duration) ([]byte, error) {
	raw := json.RawMessage("{}")
	if args != nil {
		b, err := json.Marshal(args)
		if err != nil {
			return nil, fault.Wrap(err, fault.Invalid, "The arguments of %q cannot be encoded as JSON.", method)
		}
		raw = b
	}
	r := request{Method: method, Args: raw, UniqueID: uniqueID, MsgID: msgID, ReplyQ: replyQ, wireContext: toWireContext(c)}
	if timeout > 0 {
		r.Timeout = timeout.Seconds()
	}
	return json.Marshal(r)
}

// decodeRequest parses a message body.
func decodeRequest(body []byte) (*request, error) {
	var r request
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("decode rpc message: %w", err)
	}
	if r.Method == "" {
		return nil, errors.New("decode rpc message: no method")
	}
	if len(r.Args) == 0 || string(r.Args) == "null" {
		r.Args = json.RawMessage("{}")
	}
	return &r, nil
}

// wireFailure is an error as it crosses the wire: the kind and the
// user-facing message, never the internal cause.
type wireFailure struct {
	Kind    fault.Kind `json:"kind"`
	Message string     `json:"message"`
}

// reply is the body of a call's answer.
type reply struct {
	MsgID   string          `json:"_msg_id"`
	Result  json.RawMessage `json:"result"`
	Failure *wireFailure    `json:"failure"`
	Ending  bool            `json:"ending"`
}

// knownKinds are the kinds a reply may carry; anything else becomes Internal.
var knownKinds = map[fault.Kind]bool{
	fault.Internal: true, fault.Invalid: true, fault.Unauthorized: true,
	fault.Forbidden: true, fault.NotFound: true, fault.NotAllowed: true,
	fault.NotAcceptable: true, fault.Conflict: true, fault.TooLarge: true,
	fault.Unsupported: true, fault.OverLimit: true, fault.Unavailable: true,
	fault.NotImplemented: true,
}

func toWireFailure(err error) *wireFailure {
	return &wireFailure{Kind: fault.KindOf(err), Message: fault.MessageOf(err)}
}

// encodeReply builds the answer to call msgID: the handler's result, or its
// error reduced to {kind, message}.
func encodeReply(msgID string, result any, herr error) []byte {
	r := reply{MsgID: msgID, Ending: true}
	if herr != nil {
		r.Failure = toWireFailure(herr)
	} else if result != nil {
		b, err := json.Marshal(result)
		if err != nil {
			r.Failure = toWireFailure(fault.Wrap(err, fault.Internal, "The server could not encode the result of the call."))
		} else {
			r.Result = b
		}
	}
	b, err := json.Marshal(r)
	if err != nil { // cannot happen: every field is plain data
		panic(fmt.Sprintf("rpc: encode reply: %v", err))
	}
	return b
}

// decodeReply parses an answer.
func decodeReply(body []byte) (*reply, error) {
	var r reply
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("decode rpc reply: %w", err)
	}
	if r.MsgID == "" {
		return nil, errors.New("decode rpc reply: no _msg_id")
	}
	return &r, nil
}

// err returns the remote failure as a *fault.Error (nil if none). Its Cause
// names where it came from, for logs; the message is the server's.
func (r *reply) err(method string, target Target) error {
	if r.Failure == nil {
		return nil
	}
	kind := r.Failure.Kind
	if !knownKinds[kind] {
		kind = fault.Internal
	}
	return &fault.Error{
		Kind:    kind,
		Message: r.Failure.Message,
		Cause:   fmt.Errorf("returned by %q on %s", method, target),
	}
}

// decodeResult unmarshals the result into dst (a pointer), if dst is not nil.
func (r *reply) decodeResult(dst any) error {
	if dst == nil || len(r.Result) == 0 || string(r.Result) == "null" {
		return nil
	}
	if err := json.Unmarshal(r.Result, dst); err != nil {
		return fault.Wrap(err, fault.Internal, "The reply to the call could not be decoded.")
	}
	return nil
}
