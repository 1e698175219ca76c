package config

import (
	"strings"
	"testing"
	"time"
)

func TestWriteSample(t *testing.T) {
	opts := []Option{
		Choice("libvirt", "images_type", "default", []string{"default", "raw", "rbd"},
			"VM images format. If default is specified, then use_cow_images flag is used instead of this one."),
		Seconds("DEFAULT", "report_interval", 10*time.Second, "Seconds between nodes reporting state to the datastore.", Min(1)),
		String("database", "connection", "", "The SQLAlchemy-style URL of the database.", Secret(), Required()),
		List("DEFAULT", "enabled_backends", nil, "Backends to enable."),
	}
	var b strings.Builder
	if err := WriteSample(&b, opts...); err != nil {
		t.Fatal(err)
	}
	want := `[DEFAULT]

# Seconds between nodes reporting state to the datastore.
# (integer value)
# Minimum value: 1
#report_interval = 10

# Backends to enable.
# (list value)
#enabled_backends =

[database]

# The SQLAlchemy-style URL of the database.
# (string value)
# This option is required.
#connection =

[libvirt]

# VM images format. If default is specified, then use_cow_images flag is
# used instead of this one.
# (string value)
# Allowed values: default, raw, rbd
#images_type = default
`
	if got := b.String(); got != want {
		t.Errorf("sample =\n%s\nwant\n%s", got, want)
	}
	// The sample parses back.
	if _, err := Parse("sample.conf", b.String()); err != nil {
		t.Errorf("sample does not parse: %v", err)
	}
}
