package filter_test

import (
	"testing"

	"github.com/gostack/gostack/scheduler/filter"
	"github.com/gostack/gostack/scheduler/hoststate"
	"github.com/gostack/gostack/scheduler/schedulerapi"
)

func TestGroupAndAggregateFilters(t *testing.T) {
	group := func(policy string, rules map[string]int, hosts ...string) func(s *schedulerapi.RequestSpec) {
		return func(s *schedulerapi.RequestSpec) {
			s.InstanceGroup = &schedulerapi.InstanceGroup{UUID: "g", Policy: policy, Rules: rules, Hosts: hosts}
		}
	}
	md := func(kv map[string][]string) func(h *hoststate.Host) {
		return func(h *hoststate.Host) { h.Aggregates = kv }
	}
	extra := func(kv map[string]string) func(s *schedulerapi.RequestSpec) {
		return func(s *schedulerapi.RequestSpec) { s.FlavorExtraSpecs = kv }
	}
	cases := []struct {
		name string
		f    filter.Filter
		h    *hoststate.Host
		s    *schedulerapi.RequestSpec
		pass bool
	}{
		{"anti: no group", filter.ServerGroupAntiAffinity{}, host(nil), spec(nil), true},
		{"anti: member elsewhere", filter.ServerGroupAntiAffinity{}, host(nil), spec(group("anti-affinity", nil, "c2")), true},
		{"anti: member here", filter.ServerGroupAntiAffinity{}, host(nil), spec(group("anti-affinity", nil, "c1")), false},
		{"anti: max 2, one here", filter.ServerGroupAntiAffinity{}, host(nil), spec(group("anti-affinity", map[string]int{"max_server_per_host": 2}, "c1")), true},
		{"anti: max 2, two here", filter.ServerGroupAntiAffinity{}, host(nil), spec(group("anti-affinity", map[string]int{"max_server_per_host": 2}, "c1", "c1")), false},
		{"anti: soft is a weigher's", filter.ServerGroupAntiAffinity{}, host(nil), spec(group("soft-anti-affinity", nil, "c1")), true},
		{"aff: first member", filter.ServerGroupAffinity{}, host(nil), spec(group("affinity", nil)), true},
		{"aff: members here", filter.ServerGroupAffinity{}, host(nil), spec(group("affinity", nil, "c1")), true},
		{"aff: members elsewhere", filter.ServerGroupAffinity{}, host(nil), spec(group("affinity", nil, "c2")), false},
		{"extra: none asked", filter.AggregateInstanceExtraSpecs{}, host(nil), spec(nil), true},
		{"extra: match", filter.AggregateInstanceExtraSpecs{}, host(md(map[string][]string{"ssd": {"true"}})),
			spec(extra(map[string]string{"aggregate_instance_extra_specs:ssd": "true"})), true},
		{"extra: differ", filter.AggregateInstanceExtraSpecs{}, host(md(map[string][]string{"ssd": {"false"}})),
			spec(extra(map[string]string{"aggregate_instance_extra_specs:ssd": "true"})), false},
		{"extra: missing", filter.AggregateInstanceExtraSpecs{}, host(nil),
			spec(extra(map[string]string{"aggregate_instance_extra_specs:ssd": "true"})), false},
		{"extra: other scope ignored", filter.AggregateInstanceExtraSpecs{}, host(nil),
			spec(extra(map[string]string{"hw:cpu_policy": "dedicated"})), true},
		{"extra: <in>", filter.AggregateInstanceExtraSpecs{}, host(md(map[string][]string{"cpu": {"fast-gen"}})),
			spec(extra(map[string]string{"aggregate_instance_extra_specs:cpu": "<in> fast"})), true},
		{"extra: <or>", filter.AggregateInstanceExtraSpecs{}, host(md(map[string][]string{"tier": {"gold"}})),
			spec(extra(map[string]string{"aggregate_instance_extra_specs:tier": "<or> silver <or> gold"})), true},
	}
	for _, c := range cases {
		if got := c.f.Check(c.h, c.s) == ""; got != c.pass {
			t.Errorf("%s: pass = %v, want %v (%q)", c.name, got, c.pass, c.f.Check(c.h, c.s))
		}
	}
}
