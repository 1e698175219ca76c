package token

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureRepo lays out testdata keys as a key repository.
func fixtureRepo(t *testing.T, private string, public ...string) (privateDir, publicDir string) {
	t.Helper()
	privateDir, publicDir = repo(t)
	for _, d := range []string{privateDir, publicDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if private != "" {
		copyFile(t, filepath.Join("testdata", private), filepath.Join(privateDir, "private.pem"))
	}
	for _, p := range public {
		copyFile(t, filepath.Join("testdata", p), filepath.Join(publicDir, p))
	}
	return privateDir, publicDir
}

func TestLoadKeys(t *testing.T) {
	tests := []struct {
		name    string
		private string
		public  []string
		wantErr string // a piece of the error, "" for success
	}{
		{"PKCS#8 as keystone-manage writes", "pkcs8-private.pem", []string{"pkcs8-public.pem"}, ""},
		{"SEC1 private key", "sec1-private.pem", []string{"sec1-public.pem"}, ""},
		{"several public keys", "sec1-private.pem", []string{"pkcs8-public.pem", "sec1-public.pem"}, ""},
		{"no private key", "", []string{"pkcs8-public.pem"}, "private.pem does not exist"},
		{"no public key", "pkcs8-private.pem", nil, "must contain at least one public key"},
		{"no matching public key", "pkcs8-private.pem", []string{"sec1-public.pem"}, "no public key matches"},
		{"P-384 private key", "p384-private.pem", []string{"pkcs8-public.pem"}, "not a P-256 ECDSA key"},
		{"P-384 public key", "pkcs8-private.pem", []string{"pkcs8-public.pem", "p384-public.pem"}, "not a P-256 ECDSA key"},
		{"public key where the private key belongs", "pkcs8-public.pem", []string{"pkcs8-public.pem"}, `PEM block "PUBLIC KEY"`},
		{"private key among the public keys", "pkcs8-private.pem", []string{"pkcs8-public.pem", "sec1-private.pem"}, `PEM block "EC PRIVATE KEY"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			priv, pub := fixtureRepo(t, tt.private, tt.public...)
			ks, err := LoadKeys(priv, pub)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(ks.verifiers.Keys) != len(tt.public) {
					t.Errorf("%d verifiers, want %d", len(ks.verifiers.Keys), len(tt.public))
				}
				if !ks.signer.PublicKey.Equal(ks.verifiers.Keys[0]) {
					t.Error("the signer's public key is not tried first")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadKeysMissingPublicDirectory(t *testing.T) {
	priv, _ := fixtureRepo(t, "pkcs8-private.pem")
	_, err := LoadKeys(priv, filepath.Join(t.TempDir(), "absent"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("got %v", err)
	}
}

func TestNewKeySetNeedsAPublicKey(t *testing.T) {
	if _, err := NewKeySet(nil); err == nil {
		t.Error("a key set without public keys was built")
	}
}
