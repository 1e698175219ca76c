package token

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// File names in the key repositories.
const (
	PrivateKeyFile = "private.pem" // in jws_private_key_repository
	PublicKeyFile  = "public.pem"  // the first public key, as keystone-manage names it
	rotatedPrefix  = "public-"     // rotated public keys: public-<n>.pem
	pemSuffix      = ".pem"
)

// ErrKeyExists: CreateKeyPair found a key and was not forced.
var ErrKeyExists = errors.New("key already exists")

// CreateKeyPair writes a new key pair, as keystone-manage
// create_jws_keypair: privateDir/private.pem (PKCS#8, 0600, directory
// 0700) and publicDir/public.pem (0644). It creates missing directories.
// It refuses to overwrite either file (ErrKeyExists) unless force is set.
func CreateKeyPair(privateDir, publicDir string, force bool) error {
	privPath := filepath.Join(privateDir, PrivateKeyFile)
	pubPath := filepath.Join(publicDir, PublicKeyFile)
	if !force {
		for _, p := range []string{privPath, pubPath} {
			if _, err := os.Lstat(p); err == nil {
				return fmt.Errorf("create key pair: %s: %w", p, ErrKeyExists)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("create key pair: %w", err)
			}
		}
	}
	priv, pub, err := newKeyPair()
	if err != nil {
		return fmt.Errorf("create key pair: %w", err)
	}
	if err := makeDirs(privateDir, publicDir); err != nil {
		return fmt.Errorf("create key pair: %w", err)
	}
	// The public key first, so that no reader ever finds a private key
	// without its public half.
	if err := writeFileAtomic(pubPath, pub, 0o644); err != nil {
		return fmt.Errorf("create key pair: %w", err)
	}
	if err := writeFileAtomic(privPath, priv, 0o600); err != nil {
		return fmt.Errorf("create key pair: %w", err)
	}
	return nil
}

// Rotate replaces the signing key: it writes a new key pair, adds the new
// public key to publicDir as public-<n>.pem, replaces privateDir/private.pem
// and then removes the oldest public keys so that at most keep remain (keep
// >= 1; use 2 or more so that tokens signed with the previous key keep
// validating, see the package doc). It returns the new public key's path.
func Rotate(privateDir, publicDir string, keep int) (string, error) {
	if keep < 1 {
		return "", fmt.Errorf("rotate keys: keep %d public keys: must be at least 1", keep)
	}
	priv, pub, err := newKeyPair()
	if err != nil {
		return "", fmt.Errorf("rotate keys: %w", err)
	}
	if err := makeDirs(privateDir, publicDir); err != nil {
		return "", fmt.Errorf("rotate keys: %w", err)
	}
	old, err := publicKeyFiles(publicDir)
	if err != nil {
		return "", fmt.Errorf("rotate keys: %w", err)
	}
	next := 1
	if len(old) > 0 {
		next = max(next, old[len(old)-1].seq+1)
	}
	pubPath := filepath.Join(publicDir, rotatedPrefix+strconv.Itoa(next)+pemSuffix)
	if err := writeFileAtomic(pubPath, pub, 0o644); err != nil {
		return "", fmt.Errorf("rotate keys: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(privateDir, PrivateKeyFile), priv, 0o600); err != nil {
		return "", fmt.Errorf("rotate keys: %w", err)
	}
	// old is oldest first and does not hold the new key: keep its last
	// keep-1 entries.
	for _, f := range old[:max(0, len(old)-(keep-1))] {
		if err := os.Remove(filepath.Join(publicDir, f.name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return pubPath, fmt.Errorf("rotate keys: prune old public key: %w", err)
		}
	}
	return pubPath, nil
}

func newKeyPair() (priv, pub []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate P-256 key: %w", err)
	}
	if priv, err = encodePrivateKey(key); err != nil {
		return nil, nil, err
	}
	if pub, err = encodePublicKey(&key.PublicKey); err != nil {
		return nil, nil, err
	}
	return priv, pub, nil
}

func makeDirs(privateDir, publicDir string) error {
	if err := os.MkdirAll(privateDir, 0o700); err != nil {
		return err
	}
	return os.MkdirAll(publicDir, 0o755)
}

// keyFile is a public key file and its place in the rotation order.
type keyFile struct {
	name string
	seq  int // n of public-<n>.pem; 0 for public.pem and other names
}

// publicKeyFiles lists the public key files (*.pem, not hidden) oldest
// first: by rotation number, names without one (public.pem, keys copied in
// by hand) first, ties by name.
func publicKeyFiles(dir string) ([]keyFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []keyFile
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, pemSuffix) || e.IsDir() {
			continue
		}
		f := keyFile{name: name}
		if n, ok := strings.CutPrefix(strings.TrimSuffix(name, pemSuffix), rotatedPrefix); ok {
			if seq, err := strconv.Atoi(n); err == nil && seq > 0 {
				f.seq = seq
			}
		}
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool {
		if files[i].seq != files[j].seq {
			return files[i].seq < files[j].seq
		}
		return files[i].name < files[j].name
	})
	return files, nil
}

// writeFileAtomic writes data to a hidden temporary file beside path and
// renames it over path, so readers see the old file or the new one, never a
// part.
func writeFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(perm); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
