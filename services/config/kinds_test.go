package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// kindCase is one value written in a file for a declared option: want is
// the typed value, or wantErr a fragment of the expected-value text.
type kindCase struct {
	name    string
	opt     Option
	line    string // the option's line in [DEFAULT]; "" for no line
	want    any
	wantErr string
}

func TestKinds(t *testing.T) {
	str := String("DEFAULT", "k", "dflt", "h")
	choice := Choice("DEFAULT", "k", "rbd", []string{"raw", "qcow2", "rbd"}, "h")
	choiceUnset := Choice("DEFAULT", "k", "", []string{"raw", "rbd"}, "h")
	integer := Int("DEFAULT", "k", 5, "h")
	ranged := Int("DEFAULT", "k", 5, "h", Min(1), Max(10))
	atLeast := Int("DEFAULT", "k", 5, "h", Min(0))
	atMost := Int("DEFAULT", "k", 5, "h", Max(60))
	port := Port("DEFAULT", "k", 8774, "h")
	float := Float("DEFAULT", "k", 1.5, "h", Min(0), Max(16))
	boolean := Bool("DEFAULT", "k", false, "h")
	secs := Seconds("DEFAULT", "k", 10*time.Second, "h", Min(1))
	list := List("DEFAULT", "k", []string{"a"}, "h")

	tests := []kindCase{
		{"string", str, "k = hello world", "hello world", ""},
		{"string empty is a value", str, "k =", "", ""},
		{"string default", str, "", "dflt", ""},

		{"choice", choice, "k = raw", "raw", ""},
		{"choice default", choice, "", "rbd", ""},
		{"choice empty means default", choice, "k =", "rbd", ""},
		{"choice unset default", choiceUnset, "", "", ""},
		{"choice not in set", choice, "k = lvm", nil, "must be one of: raw, qcow2, rbd"},
		{"choice case-sensitive", choice, "k = RBD", nil, "must be one of"},

		{"int", integer, "k = 42", 42, ""},
		{"int negative", integer, "k = -3", -3, ""},
		{"int default", integer, "", 5, ""},
		{"int empty means default", integer, "k =", 5, ""},
		{"int quoted", integer, `k = "7"`, 7, ""},
		{"int word", integer, "k = ten", nil, "not an integer"},
		{"int float", integer, "k = 1.5", nil, "not an integer"},
		{"int in range", ranged, "k = 10", 10, ""},
		{"int below range", ranged, "k = 0", nil, "must be between 1 and 10"},
		{"int above range", ranged, "k = 11", nil, "must be between 1 and 10"},
		{"int below min", atLeast, "k = -1", nil, "must be at least 0"},
		{"int above max", atMost, "k = 61", nil, "must be at most 60"},

		{"port", port, "k = 5000", 5000, ""},
		{"port max", port, "k = 65535", 65535, ""},
		{"port too big", port, "k = 70000", nil, "must be between 1 and 65535"},
		{"port zero", port, "k = 0", nil, "must be between 1 and 65535"},
		{"port word", port, "k = http", nil, "not a port number"},

		{"float", float, "k = 2.25", 2.25, ""},
		{"float int", float, "k = 3", 3.0, ""},
		{"float default", float, "", 1.5, ""},
		{"float word", float, "k = lots", nil, "not a number"},
		{"float nan", float, "k = NaN", nil, "not a number"},
		{"float range", float, "k = 16.5", nil, "must be between 0 and 16"},

		{"bool true", boolean, "k = true", true, ""},
		{"bool True", boolean, "k = True", true, ""},
		{"bool yes", boolean, "k = YES", true, ""},
		{"bool on", boolean, "k = on", true, ""},
		{"bool 1", boolean, "k = 1", true, ""},
		{"bool false", boolean, "k = FALSE", false, ""},
		{"bool no", boolean, "k = no", false, ""},
		{"bool off", boolean, "k = Off", false, ""},
		{"bool 0", boolean, "k = 0", false, ""},
		{"bool default", boolean, "", false, ""},
		{"bool maybe", boolean, "k = maybe", nil, "not a boolean (true/false, yes/no, on/off, 1/0)"},

		{"seconds", secs, "k = 30", 30 * time.Second, ""},
		{"seconds default", secs, "", 10 * time.Second, ""},
		{"seconds word", secs, "k = ten", nil, "not an integer number of seconds"},
		{"seconds with unit", secs, "k = 10s", nil, "not an integer number of seconds"},
		{"seconds min", secs, "k = 0", nil, "must be at least 1"},
		{"seconds overflow", secs, "k = 99999999999999", nil, "not an integer number of seconds"},

		{"list", list, "k = ceph-1, ceph-2", []string{"ceph-1", "ceph-2"}, ""},
		{"list trims and drops empties", list, "k =  a ,, b ,", []string{"a", "b"}, ""},
		{"list multi-line", list, "k = a,\n  b", []string{"a", "b"}, ""},
		{"list one", list, "k = a", []string{"a"}, ""},
		{"list empty", list, "k =", []string(nil), ""},
		{"list default", list, "", []string{"a"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("nova.conf", "[DEFAULT]\n"+tt.line+"\n", tt.opt)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := get(tt.opt, c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Get = %#v, want %#v", got, tt.want)
			}
		})
	}
}

// get calls the typed Get of any option.
func get(o Option, c *Config) any {
	switch o := o.(type) {
	case *Opt[string]:
		return o.Get(c)
	case *Opt[int]:
		return o.Get(c)
	case *Opt[float64]:
		return o.Get(c)
	case *Opt[bool]:
		return o.Get(c)
	case *Opt[time.Duration]:
		return o.Get(c)
	case *Opt[[]string]:
		return o.Get(c)
	}
	panic("unknown option type")
}

func TestListGetReturnsCopy(t *testing.T) {
	list := List("DEFAULT", "k", []string{"a"}, "h")
	c, err := Parse("x.conf", "[DEFAULT]\nk = a, b\n", list)
	if err != nil {
		t.Fatal(err)
	}
	list.Get(c)[0] = "changed"
	list.Default()[0] = "changed"
	if got := list.Get(c)[0]; got != "a" {
		t.Errorf("Get after caller mutation = %q, want a", got)
	}
	if got := list.Default()[0]; got != "a" {
		t.Errorf("Default after caller mutation = %q, want a", got)
	}
}

func TestDeclarationPanics(t *testing.T) {
	tests := []struct {
		name    string
		declare func()
	}{
		{"empty group", func() { String("", "k", "", "h") }},
		{"empty name", func() { String("DEFAULT", "", "", "h") }},
		{"name with space", func() { String("DEFAULT", "a b", "", "h") }},
		{"min on string", func() { String("DEFAULT", "k", "", "h", Min(1)) }},
		{"max on bool", func() { Bool("DEFAULT", "k", false, "h", Max(1)) }},
		{"int default below min", func() { Int("DEFAULT", "k", 0, "h", Min(1)) }},
		{"port default zero", func() { Port("DEFAULT", "k", 0, "h") }},
		{"choice default not a choice", func() { Choice("DEFAULT", "k", "x", []string{"a"}, "h") }},
		{"choice without choices", func() { Choice("DEFAULT", "k", "", nil, "h") }},
		{"seconds default fractional", func() { Seconds("DEFAULT", "k", 1500*time.Millisecond, "h") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("declaration did not panic")
				}
			}()
			tt.declare()
		})
	}
}

func TestSpec(t *testing.T) {
	o := Port("DEFAULT", "osapi_compute_listen_port", 8774, "Port the API listens on.", Secret(), Required())
	s := o.Spec()
	if s.Group != "DEFAULT" || s.Name != "osapi_compute_listen_port" || s.Kind != "port" || s.Default != "8774" ||
		!s.Secret || !s.Required || s.Min == nil || *s.Min != 1 || s.Max == nil || *s.Max != 65535 {
		t.Errorf("Spec = %+v", s)
	}
	if g := String("Glance_Store", "k", "", "h").Spec().Group; g != "glance_store" {
		t.Errorf("group = %q, want it normalized to glance_store", g)
	}
}
