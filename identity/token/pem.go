package token

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// PEM block types: what keystone-manage create_jws_keypair writes (PKCS#8
// private key, SubjectPublicKeyInfo public key), and OpenSSL's SEC1 form of
// an EC private key, which we also read.
const (
	pemPrivatePKCS8 = "PRIVATE KEY"
	pemPrivateSEC1  = "EC PRIVATE KEY"
	pemPublic       = "PUBLIC KEY"
)

var errKeyFormat = errors.New("not a P-256 ECDSA key in PEM")

func parsePrivateKey(data []byte) (*ecdsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block", errKeyFormat)
	}
	var key any
	var err error
	switch block.Type {
	case pemPrivatePKCS8:
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case pemPrivateSEC1:
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("%w: PEM block %q, want %q or %q", errKeyFormat, block.Type, pemPrivatePKCS8, pemPrivateSEC1)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errKeyFormat, err)
	}
	ec, ok := key.(*ecdsa.PrivateKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, fmt.Errorf("%w: a %T", errKeyFormat, key)
	}
	return ec, nil
}

func parsePublicKey(data []byte) (*ecdsa.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block", errKeyFormat)
	}
	if block.Type != pemPublic {
		return nil, fmt.Errorf("%w: PEM block %q, want %q", errKeyFormat, block.Type, pemPublic)
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errKeyFormat, err)
	}
	ec, ok := key.(*ecdsa.PublicKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, fmt.Errorf("%w: a %T", errKeyFormat, key)
	}
	return ec, nil
}

func encodePrivateKey(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPrivatePKCS8, Bytes: der}), nil
}

func encodePublicKey(key *ecdsa.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPublic, Bytes: der}), nil
}
