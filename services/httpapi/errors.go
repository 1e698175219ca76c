package httpapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gostack/gostack/services/fault"
)

// Messages upstream uses when an error carries no text of its own.
const (
	// MsgNotFound is webob's HTTPNotFound explanation, which nova, cinder
	// and glance return for unknown paths and unknown ids alike.
	MsgNotFound = "The resource could not be found."
	// MsgAuthRequired is the 401 text of keystone and keystonemiddleware.
	MsgAuthRequired = "The request you have made requires authentication."
	// msgKeystoneUnexpected is keystone's UnexpectedError text.
	msgKeystoneUnexpected = "An unexpected error prevented the server from fulfilling your request."
)

// defaultMessage is webob's explanation of a status (webob/exc.py), used
// when an error has no user-facing message of its own.
func defaultMessage(f Flavor, status int, r *http.Request) string {
	switch status {
	case http.StatusBadRequest:
		return "The server could not comply with the request since it is either malformed or otherwise incorrect."
	case http.StatusUnauthorized:
		if f == Glance {
			return "This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required."
		}
		return MsgAuthRequired
	case http.StatusForbidden:
		return "Access was denied to this resource."
	case http.StatusNotFound:
		return MsgNotFound
	case http.StatusMethodNotAllowed:
		return fmt.Sprintf("The method %s is not allowed for this resource.", r.Method)
	case http.StatusNotAcceptable:
		return "The resource could not be generated that was acceptable to your browser."
	case http.StatusConflict:
		return "There was a conflict when trying to complete your request."
	case http.StatusRequestEntityTooLarge:
		return "The body of your request was too large for this server."
	case http.StatusUnsupportedMediaType:
		return fmt.Sprintf("The request media type %s is not supported by this server.", r.Header.Get("Content-Type"))
	case http.StatusNotImplemented:
		if f == Keystone {
			return "The action you have requested has not been implemented."
		}
		return fmt.Sprintf("The request method %s is not implemented for this server.", r.Method)
	case http.StatusServiceUnavailable:
		return "The server is currently unavailable. Please try again at a later time."
	}
	if f == Keystone {
		return msgKeystoneUnexpected
	}
	return fault.MessageOf(nil)
}

// messageOf is the user-facing text of err: its fault message, or the
// status's stock text when it has none.
func messageOf(f Flavor, status int, err error, r *http.Request) string {
	var fe *fault.Error
	if errors.As(err, &fe) && fe.Message != "" {
		return fe.Message
	}
	return defaultMessage(f, status, r)
}

// WriteError answers r with err, in the error shape of the flavor in r's
// Config: the status comes from err's fault kind (or WithStatus), the
// message from its user-facing text; the internal cause is only logged,
// with the request id. A 401 carries WWW-Authenticate where upstream sends
// it. WriteError must be called before anything else is written.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	cfg := configOf(r)
	status := StatusOf(*cfg, err)
	msg := messageOf(cfg.Flavor, status, err, r)
	logError(cfg, r, status, err)

	h := w.Header()
	h.Del("Content-Length")
	if status == http.StatusUnauthorized {
		if uri := authURI(cfg, r); uri != "" {
			h.Set("WWW-Authenticate", fmt.Sprintf("Keystone uri=%q", uri))
		}
	}
	if cfg.Flavor == Cinder {
		// cinder's Fault adds x-compute-request-id to error responses
		// (_set_request_id_header in cinder/api/openstack/wsgi.py).
		if id := RequestID(r.Context()); id != "" {
			h.Set("X-Compute-Request-Id", id)
		}
	}

	switch {
	case cfg.Flavor == Glance:
		writeWebobError(w, r, status, msg)
	case cfg.Flavor == Keystone:
		writeKeystoneError(w, status, msg, "application/json")
	case status == http.StatusUnauthorized:
		// Upstream 401s come from keystonemiddleware's auth_token, which
		// answers in keystone's shape whatever the service.
		writeKeystoneError(w, status, msg, "application/json; charset=UTF-8")
	default:
		body := map[string]novaFault{faultName(cfg.Flavor, status): {Code: status, Message: msg}}
		writeBody(w, status, "application/json; charset=UTF-8", body)
	}
}

type novaFault struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type keystoneError struct {
	Error struct {
		Code    int    `json:"code"`
		Title   string `json:"title"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeKeystoneError(w http.ResponseWriter, status int, msg, contentType string) {
	var body keystoneError
	body.Error.Code = status
	body.Error.Title = statusTitle(status)
	body.Error.Message = msg
	writeBody(w, status, contentType, body)
}

func authURI(cfg *Config, r *http.Request) string {
	if cfg.AuthURI != "" {
		return cfg.AuthURI
	}
	if cfg.Flavor == Keystone {
		return BaseURL(r)
	}
	return ""
}

func logError(cfg *Config, r *http.Request, status int, err error) {
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	detail := "<nil>"
	if err != nil {
		detail = err.Error()
	}
	cfg.Logger.LogAttrs(r.Context(), level, "request failed",
		slog.String("request_id", RequestID(r.Context())),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.String("kind", string(fault.KindOf(err))),
		slog.String("error", detail),
	)
}
