package token

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"testing"
	"time"
)

func benchKey(b *testing.B) *ecdsa.PrivateKey {
	b.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	return k
}

func benchPayload(b *testing.B) Payload {
	b.Helper()
	pl, err := NewPayload(t0, time.Hour, Request{UserID: "6d0ff3fa3ba2413ea6a8c3a73f5e2f6f", Methods: []string{"password"}, ProjectID: "0f5f3fbb1c824a3b8a4f1a3f0a0c6d4e"})
	if err != nil {
		b.Fatal(err)
	}
	return pl
}

func BenchmarkNewPayload(b *testing.B) {
	r := Request{UserID: "u1", Methods: []string{"password"}, ProjectID: "p1"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewPayload(t0, time.Hour, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssue(b *testing.B) {
	k := benchKey(b)
	ks, err := NewKeySet(k, &k.PublicKey)
	if err != nil {
		b.Fatal(err)
	}
	p := New(ks, (&clock{t0}).now)
	pl := benchPayload(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Issue(pl); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate measures a token signed with the oldest of the public
// keys: with our kid header the right key is tried first; a keystone token
// (no kid) tries the newer keys, which fail, first.
func BenchmarkValidate(b *testing.B) {
	for _, bc := range []struct {
		keys  int
		noKID bool
	}{{1, false}, {3, false}, {3, true}} {
		name := fmt.Sprintf("keys=%d/signed-by-oldest", bc.keys)
		if bc.noKID {
			name += "/no-kid"
		}
		keys := bc.keys
		b.Run(name, func(b *testing.B) {
			signers := make([]*ecdsa.PrivateKey, keys)
			pubs := make([]*ecdsa.PublicKey, keys)
			for i := range signers {
				signers[i] = benchKey(b)
				pubs[i] = &signers[i].PublicKey
			}
			current, err := NewKeySet(signers[keys-1], pubs...)
			if err != nil {
				b.Fatal(err)
			}
			oldest, err := NewKeySet(signers[0], pubs[0])
			if err != nil {
				b.Fatal(err)
			}
			if bc.noKID {
				oldest.signerKID = "" // an unknown kid: the same path as none
			}
			id, err := New(oldest, nil).Issue(benchPayload(b))
			if err != nil {
				b.Fatal(err)
			}
			p := New(current, (&clock{t0}).now)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Validate(id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkIsRevoked(b *testing.B) {
	events := make([]Event, 1000)
	for i := range events {
		events[i] = Event{UserID: fmt.Sprintf("user-%d", i), IssuedBefore: t0.Add(time.Minute)}
	}
	b.ReportAllocs()
	for b.Loop() {
		if IsRevoked(events, sampleToken) {
			b.Fatal("revoked")
		}
	}
}
