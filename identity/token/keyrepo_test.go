package token

import (
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// repo is a fresh pair of key repository directories under t.TempDir.
func repo(t *testing.T) (privateDir, publicDir string) {
	t.Helper()
	dir := t.TempDir()
	return filepath.Join(dir, "private"), filepath.Join(dir, "public")
}

func pemType(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatalf("%s: no PEM block", path)
	}
	return block.Type
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func publicNames(t *testing.T, dir string) []string {
	t.Helper()
	files, err := publicKeyFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.name)
	}
	return names
}

func TestCreateKeyPairLayout(t *testing.T) {
	priv, pub := repo(t)
	if err := CreateKeyPair(priv, pub, false); err != nil {
		t.Fatal(err)
	}
	privPath, pubPath := filepath.Join(priv, "private.pem"), filepath.Join(pub, "public.pem")
	checks := []struct {
		path     string
		pemType  string
		wantMode os.FileMode
	}{
		{privPath, "PRIVATE KEY", 0o600},
		{pubPath, "PUBLIC KEY", 0o644},
		{priv, "", 0o700},
	}
	for _, c := range checks {
		if got := mode(t, c.path); got != c.wantMode {
			t.Errorf("%s: mode %v, want %v", c.path, got, c.wantMode)
		}
		if c.pemType != "" && pemType(t, c.path) != c.pemType {
			t.Errorf("%s: PEM type %q, want %q", c.path, pemType(t, c.path), c.pemType)
		}
	}
	if _, err := LoadKeys(priv, pub); err != nil {
		t.Fatalf("the new pair does not load: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(pub, ".tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestCreateKeyPairRefusesToOverwrite(t *testing.T) {
	tests := []struct {
		name     string
		existing string // "private" or "public"
	}{
		{"private key exists", "private"},
		{"public key exists", "public"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			priv, pub := repo(t)
			if err := CreateKeyPair(priv, pub, false); err != nil {
				t.Fatal(err)
			}
			other := map[string]string{"private": filepath.Join(priv, "private.pem"), "public": filepath.Join(pub, "public.pem")}
			for k, p := range other {
				if k != tt.existing {
					if err := os.Remove(p); err != nil {
						t.Fatal(err)
					}
				}
			}
			before, _ := os.ReadFile(other[tt.existing])
			if err := CreateKeyPair(priv, pub, false); !errors.Is(err, ErrKeyExists) {
				t.Fatalf("got %v, want ErrKeyExists", err)
			}
			after, _ := os.ReadFile(other[tt.existing])
			if string(before) != string(after) {
				t.Error("the existing key was changed")
			}
			if err := CreateKeyPair(priv, pub, true); err != nil {
				t.Fatalf("forced: %v", err)
			}
			forced, _ := os.ReadFile(other[tt.existing])
			if string(forced) == string(before) {
				t.Error("forced: the key was not replaced")
			}
			if _, err := LoadKeys(priv, pub); err != nil {
				t.Fatalf("forced pair does not load: %v", err)
			}
		})
	}
}

func TestRotateNamesAndPrunes(t *testing.T) {
	tests := []struct {
		name    string
		keep    int
		rotates int
		want    []string
	}{
		{"keep 2 after one rotation", 2, 1, []string{"public.pem", "public-1.pem"}},
		{"keep 2 after three rotations", 2, 3, []string{"public-2.pem", "public-3.pem"}},
		{"keep 3 after three rotations", 3, 3, []string{"public-1.pem", "public-2.pem", "public-3.pem"}},
		{"keep 1 leaves only the new key", 1, 2, []string{"public-2.pem"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			priv, pub := repo(t)
			if err := CreateKeyPair(priv, pub, false); err != nil {
				t.Fatal(err)
			}
			var last string
			for range tt.rotates {
				var err error
				if last, err = Rotate(priv, pub, tt.keep); err != nil {
					t.Fatal(err)
				}
			}
			if got := publicNames(t, pub); !slices.Equal(got, tt.want) {
				t.Errorf("public keys %q, want %q", got, tt.want)
			}
			if filepath.Base(last) != tt.want[len(tt.want)-1] {
				t.Errorf("Rotate returned %s", last)
			}
			ks, err := LoadKeys(priv, pub)
			if err != nil {
				t.Fatalf("rotated repository does not load: %v", err)
			}
			if got := len(ks.verifiers.Keys); got != len(tt.want) {
				t.Errorf("%d verifiers, want %d", got, len(tt.want))
			}
			if mode(t, filepath.Join(priv, "private.pem")) != 0o600 {
				t.Error("rotated private key is not 0600")
			}
		})
	}
}

func TestRotateOrdersForeignNamesFirst(t *testing.T) {
	priv, pub := repo(t)
	if err := CreateKeyPair(priv, pub, false); err != nil {
		t.Fatal(err)
	}
	// A key copied in by hand, and files that are not keys.
	copyFile(t, filepath.Join(pub, "public.pem"), filepath.Join(pub, "node2.pem"))
	for _, name := range []string{"README", ".hidden.pem", "public-x.pem"} {
		copyFile(t, filepath.Join(pub, "public.pem"), filepath.Join(pub, name))
	}
	if _, err := Rotate(priv, pub, 10); err != nil {
		t.Fatal(err)
	}
	want := []string{"node2.pem", "public-x.pem", "public.pem", "public-1.pem"}
	if got := publicNames(t, pub); !slices.Equal(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
}

func TestRotateStartsAnEmptyRepository(t *testing.T) {
	priv, pub := repo(t)
	if _, err := Rotate(priv, pub, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeys(priv, pub); err != nil {
		t.Fatal(err)
	}
	if _, err := Rotate(priv, pub, 0); err == nil {
		t.Error("keep 0 accepted")
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
