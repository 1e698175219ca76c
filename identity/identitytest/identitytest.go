// Package identitytest serves our real Keystone in process, on a fresh and
// bootstrapped PostgreSQL database, for the tests of any package that needs
// an identity service: identity/api's own tests, services/auth, and the
// services that authenticate through it. Nothing here is faked; only the
// clock can be moved and the handler wrapped.
package identitytest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gostack/gostack/identity/api"
	"github.com/gostack/gostack/identity/bootstrap"
	identitypolicy "github.com/gostack/gostack/identity/policy"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/identity/token"
	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
	"github.com/gostack/gostack/services/testenv"
)

// AdminPassword is the bootstrap admin's password.
const AdminPassword = "s3cret-admin"

// Keystone is one in-process keystone. Its URL has no /v3 suffix.
type Keystone struct {
	URL         string
	Server      *httptest.Server
	Store       *store.Store
	Boot        bootstrap.Result
	PrivateKeys string // the JWS private key repository
	PublicKeys  string // the JWS public key repository
	// CredentialKeys is the credential key repository (created on the
	// first credential write).
	CredentialKeys string
	// Skew is added to the real clock keystone reads (nanoseconds), so a
	// test can make tokens expire without waiting.
	Skew atomic.Int64
}

// Start bootstraps a keystone (admin user, project and roles, the
// identity endpoints at its own URL) and serves it until the test ends.
// wrap, if not nil, is put in front of keystone's handler (to count or
// fail requests).
func Start(t testing.TB, wrap func(http.Handler) http.Handler) *Keystone {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := migrations.Sync(ctx, pool, "keystone"); err != nil {
		t.Fatal(err)
	}
	k := &Keystone{Store: store.New(pool)}
	dir := t.TempDir()
	k.PrivateKeys, k.PublicKeys = filepath.Join(dir, "private"), filepath.Join(dir, "public")
	k.CredentialKeys = filepath.Join(dir, "credential-keys")
	if err := token.CreateKeyPair(k.PrivateKeys, k.PublicKeys, false); err != nil {
		t.Fatal(err)
	}
	tokens, err := token.Open(k.PrivateKeys, k.PublicKeys, k.Now)
	if err != nil {
		t.Fatal(err)
	}
	enforcer, err := policy.New(identitypolicy.Defaults(), nil, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	settings := api.Settings{Expiration: time.Hour, AllowRescopeScopedToken: true, PasswordCost: bcrypt.MinCost,
		CredentialKeys: filepath.Join(dir, "credential-keys")}
	var h http.Handler = api.New(k.Store, tokens, enforcer, settings, k.Now, quiet).Handler(httpapi.Config{Logger: quiet})
	if wrap != nil {
		h = wrap(h)
	}
	k.Server = httptest.NewServer(h)
	t.Cleanup(k.Server.Close)
	k.URL = k.Server.URL
	k.Boot, err = bootstrap.Bootstrap(ctx, k.Store, bootstrap.Options{
		Password: AdminPassword, PublicURL: k.URL + "/v3", PasswordCost: bcrypt.MinCost,
	}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Now is keystone's clock: the real time plus Skew.
func (k *Keystone) Now() time.Time { return time.Now().Add(time.Duration(k.Skew.Load())) }
