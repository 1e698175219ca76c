package config

import (
	"errors"
	"strings"
	"testing"
)

const cinderConf = `[DEFAULT]
enabled_backends = ceph-1, Ceph-2
[backend_defaults]
rbd_user = cinder
rbd_max_clone_depth = 3
[ceph-1]
volume_backend_name = fast
rbd_pool = volumes
[ceph-2]
volume_backend_name = slow
rbd_pool = slow-volumes
rbd_user = cinder-slow
[ceph-bad]
rbd_max_clone_depth = deep
`

func TestSection(t *testing.T) {
	backends := List("DEFAULT", "enabled_backends", nil, "h")
	name := String("backend_defaults", "volume_backend_name", "", "h")
	pool := String("backend_defaults", "rbd_pool", "rbd", "h")
	user := String("backend_defaults", "rbd_user", "", "h")
	depth := Int("backend_defaults", "rbd_max_clone_depth", 5, "h", Min(0))
	backendOpts := []Option{name, pool, user, depth}

	c, err := Parse("cinder.conf", cinderConf, backends)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		name, pool, user string
		depth            int
	}
	tests := []struct {
		section string
		want    want
	}{
		{"ceph-1", want{"fast", "volumes", "cinder", 3}},           // user, depth from [backend_defaults]
		{"Ceph-2", want{"slow", "slow-volumes", "cinder-slow", 3}}, // section names are case-insensitive
		{"backend_defaults", want{"", "rbd", "cinder", 3}},         // the group itself
	}
	for _, tt := range tests {
		t.Run(tt.section, func(t *testing.T) {
			s, err := c.Section(tt.section, backendOpts...)
			if err != nil {
				t.Fatal(err)
			}
			got := want{name.Get(s), pool.Get(s), user.Get(s), depth.Get(s)}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	if got := backends.Get(c); strings.Join(got, " ") != "ceph-1 Ceph-2" {
		t.Errorf("enabled_backends = %v", got)
	}
}

func TestSectionErrors(t *testing.T) {
	depth := Int("backend_defaults", "rbd_max_clone_depth", 5, "h")
	pool := String("backend_defaults", "rbd_pool", "", "h", Required())
	c, err := Parse("cinder.conf", cinderConf)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		section string
		opt     Option
		want    string
	}{
		{"ceph-bad", depth, `cinder.conf:14: [ceph-bad] rbd_max_clone_depth = "deep": not an integer`},
		{"ceph-bad", pool, `required option [ceph-bad] rbd_pool is not set; add it to cinder.conf`},
		{"ceph-3", depth, `section [ceph-3] is missing; add it to cinder.conf`},
	}
	for _, tt := range tests {
		t.Run(tt.section+" "+tt.opt.Spec().Name, func(t *testing.T) {
			_, err := c.Section(tt.section, tt.opt)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error\n got %v\nwant %s", err, tt.want)
			}
		})
	}
	_, err = c.Section("ceph-3")
	var me *MissingError
	if !errors.As(err, &me) || me.Section != "ceph-3" || me.Option != "" {
		t.Errorf("missing section error = %#v", err)
	}
}

func TestSectionIsIndependentOfRoot(t *testing.T) {
	pool := String("backend_defaults", "rbd_pool", "rbd", "h")
	c, err := Parse("cinder.conf", cinderConf, pool)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Section("ceph-1", pool)
	if err != nil {
		t.Fatal(err)
	}
	if pool.Get(c) != "rbd" || pool.Get(s) != "volumes" {
		t.Errorf("root %q, section %q; want rbd, volumes", pool.Get(c), pool.Get(s))
	}
	if v, ok := s.Lookup("ceph-2", "rbd_user"); !ok || v != "cinder-slow" {
		t.Errorf("Lookup through a section view = %q, %v", v, ok)
	}
}
