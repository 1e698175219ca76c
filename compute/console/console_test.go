package console

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/testenv"
)

func TestAccessURL(t *testing.T) {
	for _, c := range []struct{ base, want string }{
		{"http://h:6080/vnc_lite.html", "http://h:6080/vnc_lite.html?path=%3Ftoken%3Dabc"},
		{"http://h:6080/vnc_lite.html?scale=true", "http://h:6080/vnc_lite.html?scale=true&path=%3Ftoken%3Dabc"},
	} {
		if got := AccessURL(c.base, "abc"); got != c.want {
			t.Errorf("AccessURL(%q) = %q, want %q", c.base, got, c.want)
		}
	}
	if a, b := NewToken(), NewToken(); a == b || len(a) != 36 {
		t.Errorf("NewToken: %q %q", a, b)
	}
}

func newPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := migrations.Sync(ctx, pool, "nova"); err != nil {
		t.Fatal(err)
	}
	return pool
}

func addInstance(t *testing.T, pool *pgxpool.Pool, uuid, host string) {
	t.Helper()
	_, err := pool.Exec(context.Background(), `INSERT INTO instances
		(uuid, project_id, user_id, flavor, instance_type_id, memory_mb, vcpus, root_gb, ephemeral_gb, host, vm_state)
		VALUES ($1, 'p', 'u', '{}', '1', 64, 1, 1, 0, $2, 'active')`, uuid, host)
	if err != nil {
		t.Fatal(err)
	}
}

// fakeVNC is a real TCP server that speaks the first line of RFB, as
// QEMU's VNC server does.
func fakeVNC(t *testing.T) (string, int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.WriteString(c, "RFB 003.008\n")
				buf := make([]byte, 12)
				if _, err := io.ReadFull(c, buf); err == nil {
					_, _ = c.Write(buf) // echo the client's version back
				}
			}()
		}
	}()
	a := ln.Addr().(*net.TCPAddr)
	return a.IP.String(), a.Port
}

// TestProxy covers the token life cycle through the proxy against real
// PostgreSQL: valid tokens relay both ways, unknown and expired tokens and
// tokens of deleted or moved instances are refused before any upgrade.
func TestProxy(t *testing.T) {
	pool := newPool(t)
	st := NewStore(pool)
	clock := time.Now()
	st.now = func() time.Time { return clock }
	host, port := fakeVNC(t)
	const uuid = "11111111-2222-3333-4444-555555555555"
	addInstance(t, pool, uuid, "cmp1")
	ctx := context.Background()
	auth := Authorization{InstanceUUID: uuid, InstanceHost: "cmp1", ConsoleType: TypeNoVNC, Host: host, Port: port, AccessURLBase: "http://x/vnc_lite.html"}
	token, got, err := st.Authorize(ctx, auth, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Expires.After(clock.Add(9 * time.Minute)) {
		t.Errorf("expires %v", got.Expires)
	}
	var stored string
	if err := pool.QueryRow(ctx, `SELECT token_hash FROM console_auth_tokens`).Scan(&stored); err != nil || stored != HashToken(token) || strings.Contains(stored, token) {
		t.Errorf("stored %q (%v), want only the hash", stored, err)
	}

	web := t.TempDir()
	if err := os.MkdirAll(filepath.Join(web, "core"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(web, "core", "rfb.js"), []byte("export default class RFB {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewProxy(st, web, slog.New(slog.DiscardHandler)))
	defer srv.Close()
	wsURL := "ws" + strings.TrimPrefix(srv.URL, "http")

	// the page and noVNC's modules
	for path, want := range map[string]string{"/vnc_lite.html": "core/rfb.js", "/core/rfb.js": "class RFB"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("GET %s: %d %q", path, resp.StatusCode, b)
		}
	}

	dial := func(path string) (*websocket.Conn, *http.Response, error) {
		dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return websocket.Dial(dctx, wsURL+path, &websocket.DialOptions{Subprotocols: []string{"binary"}})
	}
	// noVNC's path (?path=%3Ftoken%3D...) and websockify's both work.
	for _, path := range []string{"/?token=" + url.QueryEscape(token), "/websockify?token=" + url.QueryEscape(token)} {
		c, _, err := dial(path)
		if err != nil {
			t.Fatalf("dial %s: %v", path, err)
		}
		if c.Subprotocol() != "binary" {
			t.Errorf("subprotocol %q", c.Subprotocol())
		}
		nc := websocket.NetConn(ctx, c, websocket.MessageBinary)
		banner := make([]byte, 12)
		if _, err := io.ReadFull(nc, banner); err != nil || string(banner) != "RFB 003.008\n" {
			t.Fatalf("banner %q, %v", banner, err)
		}
		if _, err := nc.Write([]byte("RFB 003.008\n")); err != nil {
			t.Fatal(err)
		}
		echo := make([]byte, 12)
		if _, err := io.ReadFull(nc, echo); err != nil || string(echo) != "RFB 003.008\n" {
			t.Fatalf("echo %q, %v", echo, err)
		}
		nc.Close()
	}

	refused := func(what, path string) {
		t.Helper()
		_, resp, err := dial(path)
		if err == nil {
			t.Fatalf("%s: connected", what)
		}
		if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %v %v, want 403", what, resp, err)
		}
	}
	refused("unknown token", "/?token="+NewToken())
	refused("no token", "/websockify")

	// an instance moved to another host, then deleted
	if _, err := pool.Exec(ctx, `UPDATE instances SET host = 'cmp2' WHERE uuid = $1`, uuid); err != nil {
		t.Fatal(err)
	}
	refused("moved instance", "/?token="+token)
	if _, err := pool.Exec(ctx, `UPDATE instances SET host = 'cmp1', deleted_at = now() WHERE uuid = $1`, uuid); err != nil {
		t.Fatal(err)
	}
	refused("deleted instance", "/?token="+token)
	if _, err := pool.Exec(ctx, `UPDATE instances SET deleted_at = NULL WHERE uuid = $1`, uuid); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Validate(ctx, token); err != nil {
		t.Fatalf("restored instance: %v", err)
	}

	// expiry: [consoleauth] token_ttl later the token is refused, and
	// purged when the next one is issued.
	clock = clock.Add(10*time.Minute + time.Second)
	refused("expired token", "/?token="+token)
	if _, err := st.Validate(ctx, token); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("Validate(expired) = %v", err)
	}
	if _, _, err := st.Authorize(ctx, auth, time.Minute); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM console_auth_tokens WHERE token_hash = $1`, HashToken(token)).Scan(&n); err != nil || n != 0 {
		t.Errorf("expired token rows = %d (%v), want purged", n, err)
	}
	if err := st.DeleteForInstance(ctx, uuid); err != nil {
		t.Fatal(err)
	}

	// the guest's VNC server gone: 502, no upgrade
	tok2, _, err := st.Authorize(ctx, Authorization{InstanceUUID: uuid, InstanceHost: "cmp1", ConsoleType: TypeNoVNC, Host: "127.0.0.1", Port: closedPort(t)}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, resp, err := dial("/?token=" + tok2); err == nil || resp == nil || resp.StatusCode != http.StatusBadGateway {
		t.Errorf("unreachable guest: %v %v, want 502", resp, err)
	}
}

func closedPort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return p
}
