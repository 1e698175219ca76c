package auth

import (
	"testing"
	"time"
)

func TestCacheDeadlines(t *testing.T) {
	c := newCache(10)
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	good := &validated{token: &Token{UserID: "u"}}
	k := keyOf("tok", false)

	c.put(k, good, t0, t0.Add(10*time.Second))
	if v, ok := c.get(k, t0.Add(9*time.Second)); !ok || v != good {
		t.Errorf("before the deadline: %v %v", v, ok)
	}
	if _, ok := c.get(k, t0.Add(10*time.Second)); ok {
		t.Error("found at the deadline")
	}
	if c.len() != 0 {
		t.Errorf("expired entry kept: %d", c.len())
	}

	neg := keyOf("bad", false)
	c.put(neg, nil, t0, t0.Add(time.Second))
	if v, ok := c.get(neg, t0); !ok || v != nil {
		t.Errorf("negative entry: %v %v", v, ok)
	}
	if _, ok := c.get(keyOf("bad", true), t0); ok {
		t.Error("a refusal without allow_expired answers a validation with it")
	}

	c.put(keyOf("past", false), good, t0, t0)
	if _, ok := c.get(keyOf("past", false), t0.Add(-time.Second)); ok {
		t.Error("stored an entry whose deadline is not after now")
	}
}

func TestCacheBoundEvictsLeastRecentlyUsed(t *testing.T) {
	c := newCache(3)
	t0 := time.Now()
	until := t0.Add(time.Minute)
	v := &validated{token: &Token{}}
	for _, tok := range []string{"a", "b", "c"} {
		c.put(keyOf(tok, false), v, t0, until)
	}
	c.get(keyOf("a", false), t0) // a is now the most recent
	c.put(keyOf("d", false), v, t0, until)
	if c.len() != 3 {
		t.Fatalf("len %d, want 3", c.len())
	}
	if _, ok := c.get(keyOf("b", false), t0); ok {
		t.Error("b, the least recently used, survived")
	}
	for _, tok := range []string{"a", "c", "d"} {
		if _, ok := c.get(keyOf(tok, false), t0); !ok {
			t.Errorf("%s evicted", tok)
		}
	}
	c.put(keyOf("a", false), nil, t0, until) // replace in place
	if v, ok := c.get(keyOf("a", false), t0); !ok || v != nil || c.len() != 3 {
		t.Errorf("replaced entry: %v %v len %d", v, ok, c.len())
	}
}

func TestCacheKeyIsNotTheToken(t *testing.T) {
	k := keyOf("gAAAAABsecret", false)
	if id := k.logID(); len(id) != 12 || id == "gAAAAABsecre" {
		t.Errorf("log id %q", id)
	}
	if keyOf("x", false) == keyOf("x", true) || keyOf("x", false) != keyOf("x", false) {
		t.Error("keys do not distinguish allow_expired")
	}
}
