// Package credential encrypts credential blobs at rest as keystone's
// fernet credential provider does (keystone/credential/providers/fernet):
// a key repository of Fernet keys named 0, 1, 2, ... in
// [credential] key_repository, where the highest-numbered key is the
// primary one that encrypts and every key decrypts. The stored hash of
// the encrypting key is keystone's: the SHA-1 of the primary key's text.
//
// The format is the Fernet specification's (version 0x80, timestamp,
// IV, AES-128-CBC ciphertext, HMAC-SHA256), so a repository made by
// keystone-manage credential_setup works here and the other way round.
//
// Unlike keystone, which falls back to a well-known null key (and logs a
// warning on every write) when the repository is empty, Repository.Load
// with create set makes the repository with two fresh keys, as
// keystone-manage credential_setup does, so blobs are never stored under
// a key anyone can read from the source.
package credential

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // keystone's key hash, an identifier, not a MAC
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

const (
	fernetVersion = 0x80
	headerLen     = 1 + 8 + aes.BlockSize
	macLen        = sha256.Size
)

// ErrInvalid is a blob no key of the repository decrypts.
var ErrInvalid = errors.New("credential could not be decrypted")

// key is one Fernet key: the signing half and the encryption half.
type key struct {
	text    string // the base64url text as stored, for the key hash
	signing []byte
	crypt   []byte
}

func parseKey(text string) (key, error) {
	raw, err := base64.URLEncoding.DecodeString(text)
	if err != nil || len(raw) != 32 {
		return key{}, errors.New("not a Fernet key (32 bytes, base64url)")
	}
	return key{text: text, signing: raw[:16], crypt: raw[16:]}, nil
}

// newKeyText returns a fresh Fernet key as keystone writes it.
func newKeyText() (string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	return base64.URLEncoding.EncodeToString(raw[:]), nil
}

// hash is keystone's primary_key_hash: SHA-1 of the key text, in hex.
func (k key) hash() string {
	sum := sha1.Sum([]byte(k.text)) //nolint:gosec // see import
	return hex.EncodeToString(sum[:])
}

// encrypt makes a Fernet token of plaintext.
func (k key) encrypt(plaintext []byte, now time.Time) ([]byte, error) {
	block, err := aes.NewCipher(k.crypt)
	if err != nil {
		return nil, err
	}
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	padded := append(append([]byte{}, plaintext...), bytes.Repeat([]byte{byte(pad)}, pad)...)
	msg := make([]byte, headerLen+len(padded), headerLen+len(padded)+macLen)
	msg[0] = fernetVersion
	binary.BigEndian.PutUint64(msg[1:9], uint64(now.Unix()))
	iv := msg[9:headerLen]
	if _, err := rand.Read(iv); err != nil {
		return nil, err
	}
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(msg[headerLen:], padded)
	mac := hmac.New(sha256.New, k.signing)
	mac.Write(msg)
	msg = mac.Sum(msg)
	out := make([]byte, base64.URLEncoding.EncodedLen(len(msg)))
	base64.URLEncoding.Encode(out, msg)
	return out, nil
}

// decrypt opens a Fernet token made with k (no TTL: credentials do not
// expire).
func (k key) decrypt(tok []byte) ([]byte, error) {
	msg := make([]byte, base64.URLEncoding.DecodedLen(len(tok)))
	n, err := base64.URLEncoding.Decode(msg, tok)
	if err != nil {
		return nil, ErrInvalid
	}
	msg = msg[:n]
	if len(msg) < headerLen+aes.BlockSize+macLen || msg[0] != fernetVersion {
		return nil, ErrInvalid
	}
	body, sum := msg[:len(msg)-macLen], msg[len(msg)-macLen:]
	mac := hmac.New(sha256.New, k.signing)
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), sum) {
		return nil, ErrInvalid
	}
	ct := body[headerLen:]
	if len(ct)%aes.BlockSize != 0 {
		return nil, ErrInvalid
	}
	block, err := aes.NewCipher(k.crypt)
	if err != nil {
		return nil, ErrInvalid
	}
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, body[9:headerLen]).CryptBlocks(pt, ct)
	pad := int(pt[len(pt)-1])
	if pad == 0 || pad > aes.BlockSize || pad > len(pt) {
		return nil, ErrInvalid
	}
	for _, b := range pt[len(pt)-pad:] {
		if int(b) != pad {
			return nil, ErrInvalid
		}
	}
	return pt[:len(pt)-pad], nil
}

// Keys is a loaded repository: the primary key first, then the others.
type Keys struct {
	keys []key
	now  func() time.Time
}

// Encrypt returns the Fernet token of plaintext under the primary key and
// that key's hash.
func (ks *Keys) Encrypt(plaintext string) (token, keyHash string, err error) {
	if len(ks.keys) == 0 {
		return "", "", errors.New("no credential keys")
	}
	now := time.Now
	if ks.now != nil {
		now = ks.now
	}
	tok, err := ks.keys[0].encrypt([]byte(plaintext), now())
	if err != nil {
		return "", "", fmt.Errorf("encrypt credential: %w", err)
	}
	return string(tok), ks.keys[0].hash(), nil
}

// Decrypt opens a token made with any key of the repository.
func (ks *Keys) Decrypt(token string) (string, error) {
	for _, k := range ks.keys {
		if pt, err := k.decrypt([]byte(token)); err == nil {
			return string(pt), nil
		}
	}
	return "", ErrInvalid
}
