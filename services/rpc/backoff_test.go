package rpc

import (
	"testing"
	"time"
)

func TestBackoffDoublesUpToMax(t *testing.T) {
	b := backoff{Initial: time.Second, Max: 30 * time.Second}
	want := []time.Duration{1, 2, 4, 8, 16, 30, 30}
	for i, w := range want {
		if got := b.Delay(i); got != w*time.Second {
			t.Errorf("Delay(%d) = %s, want %s", i, got, w*time.Second)
		}
	}
	if got := b.Delay(1000); got != 30*time.Second {
		t.Errorf("Delay(1000) = %s, want the cap", got)
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{}.withDefaults()
	if c.ControlExchange != "openstack" || c.ResponseTimeout != 60*time.Second || c.ExecutorPoolSize != 64 ||
		c.RetryInterval != time.Second || c.RetryIntervalMax != 30*time.Second {
		t.Errorf("defaults = %+v", c)
	}
	c = Config{RetryInterval: time.Minute}.withDefaults()
	if c.RetryIntervalMax != time.Minute {
		t.Errorf("RetryIntervalMax = %s, want at least RetryInterval", c.RetryIntervalMax)
	}
}
