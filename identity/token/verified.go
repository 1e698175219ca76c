package token

import "sync"

// maxVerified bounds the memo of verified tokens; when full it starts over.
const maxVerified = 10000

// verifiedMemo remembers the payloads of token ids whose signature and
// claims checked out under one key set, so that validating a token again
// costs a map lookup instead of an ECDSA verification. A token's signature
// cannot become good or bad under the same keys, so the memo is exact; it
// is emptied when the key set changes (a reload after rotation), and the
// expiry is still checked against the clock on every use.
type verifiedMemo struct {
	mu   sync.RWMutex
	keys *KeySet
	m    map[string]Payload
}

func (v *verifiedMemo) get(keys *KeySet, id string) (Payload, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.keys != keys {
		return Payload{}, false
	}
	p, ok := v.m[id]
	return p, ok
}

func (v *verifiedMemo) put(keys *KeySet, id string, p Payload) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.keys != keys || len(v.m) >= maxVerified {
		v.keys, v.m = keys, make(map[string]Payload)
	}
	v.m[id] = p
}
