package console

import (
	"context"
	"embed"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"
)

//go:embed page/vnc_lite.html
var page embed.FS

// Validator checks a console token (Store.Validate).
type Validator interface {
	Validate(ctx context.Context, token string) (Authorization, error)
}

// Proxy is nova-novncproxy's handler: websocket upgrades carrying a valid
// token are relayed to the guest's VNC server; other GETs are noVNC's
// files (our page, and core/ and vendor/ from the web directory).
type Proxy struct {
	tokens Validator
	files  http.Handler
	log    *slog.Logger
	dial   func(ctx context.Context, network, addr string) (net.Conn, error)
}

// NewProxy returns a Proxy serving noVNC from webDir.
func NewProxy(tokens Validator, webDir string, log *slog.Logger) *Proxy {
	if log == nil {
		log = slog.Default()
	}
	d := &net.Dialer{Timeout: 10 * time.Second}
	return &Proxy{tokens: tokens, files: http.FileServer(http.Dir(webDir)), log: log, dial: d.DialContext}
}

// ServeHTTP implements http.Handler.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isUpgrade(r) {
		p.relay(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case "/vnc_lite.html", "/vnc_auto.html", "/vnc.html":
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, page, "page/vnc_lite.html")
		return
	case "/":
		// a health check or a curious browser: point at the page.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "nova-novncproxy: open the URL that `openstack console url show` gives.\n")
		return
	}
	p.files.ServeHTTP(w, r)
}

func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// tokenOf reads the token as nova's proxy does: the token query parameter,
// else a "token" cookie.
func tokenOf(r *http.Request) string {
	if t := r.URL.Query().Get("token"); t != "" {
		return t
	}
	if c, err := r.Cookie("token"); err == nil {
		return c.Value
	}
	return ""
}

func (p *Proxy) relay(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth, err := p.tokens.Validate(ctx, tokenOf(r))
	if err != nil {
		// The token itself is never logged.
		if errors.Is(err, ErrInvalidToken) {
			p.log.InfoContext(ctx, "novncproxy: refused a connection with an invalid or expired token", "remote", r.RemoteAddr)
			// No body, and the connection closed: a client that goes on
			// reading frames (tempest's test_novnc_bad_token) sees the
			// close, as from nova's proxy.
			w.Header().Set("Connection", "close")
			w.Header().Set("Content-Length", "0")
			w.WriteHeader(http.StatusForbidden)
			return
		}
		p.log.ErrorContext(ctx, "novncproxy: could not check a console token", "error", err)
		http.Error(w, "Could not check the console token.", http.StatusServiceUnavailable)
		return
	}
	addr := net.JoinHostPort(auth.Host, strconv.Itoa(auth.Port))
	backend, err := p.dial(ctx, "tcp", addr)
	if err != nil {
		p.log.ErrorContext(ctx, "novncproxy: could not reach the guest's console", "instance", auth.InstanceUUID, "addr", addr, "error", err)
		http.Error(w, "The console of the instance is not reachable.", http.StatusBadGateway)
		return
	}
	defer backend.Close()
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"binary"}})
	if err != nil {
		p.log.InfoContext(ctx, "novncproxy: websocket handshake failed", "instance", auth.InstanceUUID, "error", err)
		return
	}
	ws.SetReadLimit(1 << 20)
	p.log.InfoContext(ctx, "novncproxy: console connected", "instance", auth.InstanceUUID, "addr", addr, "remote", r.RemoteAddr)
	// An open session outlives its token, as in nova: the token only
	// gates new connections. The session ends when either side closes.
	sctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	conn := websocket.NetConn(sctx, ws, websocket.MessageBinary)
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(backend, conn); done <- struct{}{} }()
	go func() { _, _ = io.Copy(conn, backend); done <- struct{}{} }()
	<-done
	_ = conn.Close()
	_ = backend.Close()
	<-done
	p.log.InfoContext(ctx, "novncproxy: console closed", "instance", auth.InstanceUUID)
}
