package api

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/console"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// vncConsoles is the compute host call the console handlers need
// (computeapi.Client has it).
type vncConsoles interface {
	GetVNCConsole(ctx context.Context, inst objects.Instance, consoleType string) (computeapi.GetVNCConsoleReply, error)
}

var _ vncConsoles = (*computeapi.Client)(nil)

const (
	ruleRemoteConsoles    = "os_compute_api:os-remote-consoles"
	ruleConsoleAuthTokens = "os_compute_api:os-console-auth-tokens"
)

// consoleRoutes registers the console endpoints.
func (a *API) consoleRoutes(r chi.Router) {
	r.Post("/servers/{server_id}/remote-consoles", a.createRemoteConsole)
	r.Get("/os-console-auth-tokens/{console_token}", a.showConsoleAuthToken)
}

var (
	consoleProtocols   = []string{"vnc", "spice", "rdp", "serial"}
	consoleProtocols28 = []string{"vnc", "spice", "rdp", "serial", "mks"}
	consoleTypes       = []string{"novnc", "xvpvnc", "rdp-html5", "spice-html5", "serial"}
	consoleTypes28     = []string{"novnc", "xvpvnc", "rdp-html5", "spice-html5", "serial", "webmks"}
)

// createRemoteConsole is api-ref "Create Remote Console" (2.6+): only VNC
// consoles through noVNC are served.
func (a *API) createRemoteConsole(w http.ResponseWriter, r *http.Request) {
	if !atLeast(r, 6) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return
	}
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	b, err := decodeBody(r, "remote_console")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	protocols, types := consoleProtocols, consoleTypes
	if atLeast(r, 8) {
		protocols, types = consoleProtocols28, consoleTypes28
	}
	protocol, err := enumField(b, "protocol", protocols)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	typ, err := enumField(b, "type", types)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := b.only("remote_console", "protocol", "type"); err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, ruleRemoteConsoles)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if protocol != "vnc" {
		// nova with spice, rdp, serial and mks consoles disabled.
		writeErr(w, r, invalid("Unavailable console type %s.", typ))
		return
	}
	url, err := a.vncConsoleURL(r, in, typ)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"remote_console": map[string]string{
		"protocol": protocol, "type": typ, "url": url}})
}

// vncConsole is the os-getVNCConsole action (2.1-2.5), api-ref "Get VNC
// Console (os-getVNCConsole Action) (DEPRECATED)".
func (a *API) vncConsole(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	if atLeast(r, 6) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return
	}
	m, ok := arg.(map[string]any)
	if !ok {
		writeErr(w, r, badField("os-getVNCConsole", arg, "%s is not of type 'object'", repr(arg)))
		return
	}
	b := body(m)
	typ, err := enumField(b, "type", []string{"novnc", "xvpvnc"})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := b.only("os-getVNCConsole", "type"); err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, ruleRemoteConsoles)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	url, err := a.vncConsoleURL(r, in, typ)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"console": map[string]string{"type": typ, "url": url}})
}

// enumField reads a required string field limited to allowed, with
// jsonschema's messages.
func enumField(b body, k string, allowed []string) (string, error) {
	v, ok := b[k]
	if !ok {
		return "", badField("body", map[string]any(b), "'%s' is a required property", k)
	}
	s, isStr := v.(string)
	if !isStr || !slices.Contains(allowed, s) {
		return "", badField(k, v, "%s is not one of %s", repr(v), repr(anySlice(allowed)))
	}
	return s, nil
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// vncConsoleURL asks the instance's host for its VNC address, issues a
// token for it and returns the noVNC URL (nova's get_vnc_console).
func (a *API) vncConsoleURL(r *http.Request, in objects.Instance, typ string) (string, error) {
	set := a.set.Console.WithDefaults()
	if typ != console.TypeNoVNC {
		if typ == "xvpvnc" {
			return "", invalid("Unavailable console type %s.", typ)
		}
		return "", invalid("Invalid console type %s", typ)
	}
	if !set.Enabled {
		return "", invalid("Unavailable console type %s.", typ)
	}
	cc, ok := a.compute.(vncConsoles)
	if !ok {
		return "", fault.New(fault.NotImplemented, "Action not supported")
	}
	if in.Host == "" {
		return "", fault.New(fault.Conflict, "Instance %s is not ready", in.UUID)
	}
	ep, err := cc.GetVNCConsole(rpcCtx(r), in, typ)
	if err != nil {
		return "", err
	}
	tokens := console.NewStore(a.store.Pool())
	token, _, err := tokens.Authorize(r.Context(), console.Authorization{
		InstanceUUID: in.UUID, InstanceHost: in.Host, ConsoleType: typ, Host: ep.Host, Port: ep.Port,
		InternalAccessPath: ep.InternalAccessPath, AccessURLBase: set.BaseURL,
	}, set.TokenTTL)
	if err != nil {
		return "", err
	}
	return console.AccessURL(set.BaseURL, token), nil
}

// showConsoleAuthToken is api-ref "Show Console Connection Information"
// (admin): below 2.31 only rdp-html5 tokens are shown, so never here.
func (a *API) showConsoleAuthToken(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, ruleConsoleAuthTokens, nil); err != nil {
		writeErr(w, r, err)
		return
	}
	token := chi.URLParam(r, "console_token")
	if token == "" {
		writeErr(w, r, invalid("token not provided"))
		return
	}
	auth, err := console.NewStore(a.store.Pool()).Validate(r.Context(), token)
	if errors.Is(err, console.ErrInvalidToken) {
		writeErr(w, r, fault.New(fault.NotFound, "Token not found"))
		return
	}
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if !atLeast(r, 31) && auth.ConsoleType != "rdp-html5" {
		writeErr(w, r, fault.New(fault.Unauthorized, "The requested console type details are not accessible"))
		return
	}
	var path any
	if auth.InternalAccessPath != "" {
		path = auth.InternalAccessPath
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"console": map[string]any{
		"instance_uuid": auth.InstanceUUID, "host": auth.Host, "port": auth.Port, "internal_access_path": path}})
}
