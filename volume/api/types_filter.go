package api

import "github.com/gostack/gostack/volume/store"

// userVisibleSpecs are the extra specs users may see and filter on
// (cinder's USER_VISIBLE_EXTRA_SPECS).
var userVisibleSpecs = map[string]bool{"multiattach": true, "RESKEY:availability_zones": true, "replication_enabled": true}

// filterTypeSpecs keeps the types whose extra specs hold every pair of
// want (the extra_specs type list filter of 3.52). A caller who may not
// read the other extra specs filtering on one of them gets no type, as
// cinder answers.
func filterTypeSpecs(types []store.VolumeType, want map[string]string, sensitive bool) []store.VolumeType {
	if !sensitive {
		for k := range want {
			if !userVisibleSpecs[k] {
				return nil
			}
		}
	}
	out := []store.VolumeType{}
	for _, t := range types {
		ok := true
		for k, v := range want {
			if got, has := t.ExtraSpecs[k]; !has || got != v {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, t)
		}
	}
	return out
}
