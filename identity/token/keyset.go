package token

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/golang-jwt/jwt/v5"
)

// KeySet is a loaded key repository: the signing key and every public key
// a token may be verified with.
type KeySet struct {
	signer    *ecdsa.PrivateKey
	signerKID string
	verifiers jwt.VerificationKeySet            // the signer's public half first
	byKID     map[string]jwt.VerificationKeySet // the verifiers, the kid's first
	digest    [sha256.Size]byte                 // of the files it was read from
}

// NewKeySet builds a key set from keys in memory. signer may be nil for a
// set that only validates; otherwise one of verifiers must be its public
// half.
func NewKeySet(signer *ecdsa.PrivateKey, verifiers ...*ecdsa.PublicKey) (*KeySet, error) {
	if len(verifiers) == 0 {
		return nil, errors.New("key set: no public key")
	}
	ks := &KeySet{signer: signer}
	found := signer == nil
	for _, v := range verifiers {
		if signer != nil && v.Equal(&signer.PublicKey) {
			// Tokens are most likely signed with the current key: try it first.
			ks.verifiers.Keys = append([]jwt.VerificationKey{v}, ks.verifiers.Keys...)
			found = true
			continue
		}
		ks.verifiers.Keys = append(ks.verifiers.Keys, v)
	}
	if !found {
		return nil, errors.New("key set: no public key matches the private key")
	}
	ks.byKID = make(map[string]jwt.VerificationKeySet, len(ks.verifiers.Keys))
	for i, v := range ks.verifiers.Keys {
		kid, err := keyID(v.(*ecdsa.PublicKey))
		if err != nil {
			return nil, fmt.Errorf("key set: %w", err)
		}
		ordered := append([]jwt.VerificationKey{v}, ks.verifiers.Keys[:i]...)
		ks.byKID[kid] = jwt.VerificationKeySet{Keys: append(ordered, ks.verifiers.Keys[i+1:]...)}
	}
	if signer != nil {
		ks.signerKID, _ = keyID(&signer.PublicKey) // it is among the verifiers
	}
	return ks, nil
}

// keyID names a public key in the "kid" header of the tokens it signs:
// 128 bits of the SHA-256 of its SubjectPublicKeyInfo, in URL-safe base64.
// Keystone sets no kid and PyJWT ignores it; here it saves trying every key
// in the repository in turn.
func keyID(pub *ecdsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(der)
	return base64.RawURLEncoding.EncodeToString(sum[:16]), nil
}

// keyFunc gives the parser every key, the one named by the token's kid
// first (keystone's tokens carry no kid: the signer's key comes first).
func (ks *KeySet) keyFunc(t *jwt.Token) (any, error) {
	if kid, ok := t.Header["kid"].(string); ok {
		if set, ok := ks.byKID[kid]; ok {
			return set, nil
		}
	}
	return ks.verifiers, nil
}

// LoadKeys reads privateDir/private.pem and the public keys in publicDir
// (see the package doc for the layout). It fails, as keystone refuses to
// start, when the private key is missing or the public directory has no
// key, and also when no public key matches the private key.
func LoadKeys(privateDir, publicDir string) (*KeySet, error) {
	files, err := readKeyFiles(privateDir, publicDir)
	if err != nil {
		return nil, err
	}
	return files.parse()
}

// keyFiles is the raw content of a key repository.
type keyFiles struct {
	privatePath string
	private     []byte
	publicDir   string
	public      []namedPEM
	digest      [sha256.Size]byte
}

type namedPEM struct {
	name string
	data []byte
}

func readKeyFiles(privateDir, publicDir string) (*keyFiles, error) {
	kf := &keyFiles{privatePath: filepath.Join(privateDir, PrivateKeyFile), publicDir: publicDir}
	var err error
	kf.private, err = os.ReadFile(kf.privatePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("load JWS keys: %s does not exist; create a key pair as keystone-manage create_jws_keypair does: %w", kf.privatePath, err)
	}
	if err != nil {
		return nil, fmt.Errorf("load JWS keys: %w", err)
	}
	names, err := publicKeyFiles(publicDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("load JWS keys: %s does not exist; make sure the directory exists and is readable by the service: %w", publicDir, err)
	}
	if err != nil {
		return nil, fmt.Errorf("load JWS keys: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("load JWS keys: %s must contain at least one public key (*.pem) but has none", publicDir)
	}
	h := sha256.New()
	h.Write(kf.private)
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(publicDir, n.name))
		if err != nil {
			return nil, fmt.Errorf("load JWS keys: %w", err)
		}
		kf.public = append(kf.public, namedPEM{name: n.name, data: data})
		fmt.Fprintf(h, "\x00%s\x00%d\x00", n.name, len(data))
		h.Write(data)
	}
	h.Sum(kf.digest[:0])
	return kf, nil
}

func (kf *keyFiles) parse() (*KeySet, error) {
	signer, err := parsePrivateKey(kf.private)
	if err != nil {
		return nil, fmt.Errorf("load JWS keys: %s: %w", kf.privatePath, err)
	}
	verifiers := make([]*ecdsa.PublicKey, 0, len(kf.public))
	for _, p := range kf.public {
		v, err := parsePublicKey(p.data)
		if err != nil {
			return nil, fmt.Errorf("load JWS keys: %s: %w", filepath.Join(kf.publicDir, p.name), err)
		}
		verifiers = append(verifiers, v)
	}
	ks, err := NewKeySet(signer, verifiers...)
	if err != nil {
		return nil, fmt.Errorf("load JWS keys: %s and %s: %w", kf.privatePath, kf.publicDir, err)
	}
	ks.digest = kf.digest
	return ks, nil
}
