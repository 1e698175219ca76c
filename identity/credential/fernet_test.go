package credential

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A token from the Fernet specification's generate.json, made by
// Python's cryptography (keystone's implementation).
const (
	specKey   = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
	specToken = "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA=="
	specPlain = "hello"
)

func TestDecryptSpecToken(t *testing.T) {
	k, err := parseKey(specKey)
	if err != nil {
		t.Fatal(err)
	}
	got, err := k.decrypt([]byte(specToken))
	if err != nil || string(got) != specPlain {
		t.Fatalf("decrypt = %q, %v", got, err)
	}
}

func TestRepositoryRoundTripAndRotation(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "credential-keys")
	repo := &Repository{Dir: dir}
	if _, _, err := repo.Load(false); err == nil {
		t.Fatal("Load(false) of a missing repository succeeded")
	}
	ks, created, err := repo.Load(true)
	if err != nil || !created {
		t.Fatal(created, err)
	}
	for _, name := range []string{"0", "1"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("key %s: %v %v", name, fi, err)
		}
	}
	secret := `{"access": "a", "secret": "very secret"}`
	tok, hash, err := ks.Encrypt(secret)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(tok, "secret") || len(hash) != 40 {
		t.Fatalf("token %q hash %q", tok, hash)
	}
	// keystone-manage credential_rotate: a new primary key 2; the old
	// primary still decrypts.
	raw := make([]byte, 32)
	for i := range raw {
		raw[i] = byte(i)
	}
	if err := os.WriteFile(filepath.Join(dir, "2"), []byte(base64.URLEncoding.EncodeToString(raw)), 0o600); err != nil {
		t.Fatal(err)
	}
	ks2, _, err := repo.Load(false)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ks2.Decrypt(tok); err != nil || got != secret {
		t.Fatalf("decrypt after rotation = %q, %v", got, err)
	}
	_, hash2, _ := ks2.Encrypt("x")
	if hash2 == hash {
		t.Error("the new primary key did not encrypt")
	}
	ks2.now = func() time.Time { return time.Unix(0, 0) }
	if _, err := ks2.Decrypt(tok[:len(tok)-4] + "AAAA"); err == nil {
		t.Error("a tampered token decrypted")
	}
}
