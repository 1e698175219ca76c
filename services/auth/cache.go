package auth

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// cacheKey identifies a validation: the SHA-256 of the token, never the
// token itself, and whether it was made with allow_expired (a refusal
// without it says nothing about a validation with it).
type cacheKey struct {
	sum          [sha256.Size]byte
	allowExpired bool
}

func keyOf(token string, allowExpired bool) cacheKey {
	return cacheKey{sum: sha256.Sum256([]byte(token)), allowExpired: allowExpired}
}

// logID is a short, non-reversible name of a token for logs.
func (k cacheKey) logID() string { return hex.EncodeToString(k.sum[:6]) }

// cacheEntry is a cached answer of keystone: v is nil when keystone
// refused the token.
type cacheEntry struct {
	key   cacheKey
	v     *validated
	until time.Time
}

// cache is a bounded LRU of validations, each with its own deadline. It
// is safe for concurrent use.
type cache struct {
	mu    sync.Mutex
	max   int
	items map[cacheKey]*list.Element
	lru   list.List // front: most recently used
}

func newCache(max int) *cache {
	return &cache{max: max, items: make(map[cacheKey]*list.Element)}
}

// get returns the entry for k if it is still valid at now; found is
// false when there is none (or it ran out, and is dropped).
func (c *cache) get(k cacheKey, now time.Time) (v *validated, found bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return nil, false
	}
	e := el.Value.(*cacheEntry)
	if !now.Before(e.until) {
		c.lru.Remove(el)
		delete(c.items, k)
		return nil, false
	}
	c.lru.MoveToFront(el)
	return e.v, true
}

// put stores v (nil: a refusal) for k until the deadline, evicting the
// least recently used entries beyond the bound. A deadline not after now
// stores nothing.
func (c *cache) put(k cacheKey, v *validated, now, until time.Time) {
	if !until.After(now) || c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		e := el.Value.(*cacheEntry)
		e.v, e.until = v, until
		c.lru.MoveToFront(el)
		return
	}
	c.items[k] = c.lru.PushFront(&cacheEntry{key: k, v: v, until: until})
	for c.lru.Len() > c.max {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.items, old.Value.(*cacheEntry).key)
	}
}

// len returns the number of entries, including ones that ran out but
// were not looked up since.
func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
