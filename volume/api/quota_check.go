package api

import (
	"context"
	"sort"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/volume/store"
)

// Quota resources and their defaults ([DEFAULT] quota_* options).
var quotaResources = []string{"volumes", "snapshots", "gigabytes", "backups", "backup_gigabytes", "groups", "per_volume_gigabytes"}

// DefaultQuotas are cinder's defaults.
func DefaultQuotas() map[string]int {
	return map[string]int{"volumes": 10, "snapshots": 10, "gigabytes": 1000, "backups": 10,
		"backup_gigabytes": 1000, "groups": 10, "per_volume_gigabytes": -1}
}

// limitsOf returns a project's limits: its own, else the defaults; the
// per-type ones default to -1.
func (a *API) limitsOf(ctx context.Context, tx *store.Store, project string) (map[string]int, error) {
	out, err := a.classDefaults(ctx, tx)
	if err != nil {
		return nil, err
	}
	set, err := tx.QuotaLimits(ctx, project)
	if err != nil {
		return nil, err
	}
	for k, v := range set {
		out[k] = v
	}
	return out, nil
}

// classKey is where the "default" quota class's limits are kept in the
// quotas table (cinder's quota_classes); no project id has this form.
const classKey = "class:default"

// classDefaults are the [DEFAULT] quota_* options overridden by the
// default quota class.
func (a *API) classDefaults(ctx context.Context, tx *store.Store) (map[string]int, error) {
	out := map[string]int{}
	for k, v := range a.set.Quotas {
		out[k] = v
	}
	set, err := tx.QuotaLimits(ctx, classKey)
	if err != nil {
		return nil, err
	}
	for k, v := range set {
		out[k] = v
	}
	return out, nil
}

func limitOf(l map[string]int, k string) int {
	if v, ok := l[k]; ok {
		return v
	}
	return -1
}

// checkPerVolume refuses a volume of gb GiB over per_volume_gigabytes
// (an extend's limit_check; a create checks it in checkQuota).
func (a *API) checkPerVolume(ctx context.Context, tx *store.Store, project string, gb int) error {
	l, err := a.limitsOf(ctx, tx, project)
	if err != nil {
		return err
	}
	if per := limitOf(l, "per_volume_gigabytes"); per >= 0 && gb > per {
		return fault.New(fault.OverLimit, "VolumeSizeExceedsLimit: Requested volume size %dG is larger than maximum allowed limit %dG.", gb, per)
	}
	return nil
}

// checkQuota refuses, with cinder's 413 messages, a create of volumes
// volumes and snapshots snapshots holding gb GiB of type typeName. It must
// run in the transaction that inserts, after LockProject.
func (a *API) checkQuota(ctx context.Context, tx *store.Store, project, typeName string, volumes, snapshots, gb int) error {
	l, err := a.limitsOf(ctx, tx, project)
	if err != nil {
		return err
	}
	if per := limitOf(l, "per_volume_gigabytes"); volumes > 0 && per >= 0 && gb > per {
		return fault.New(fault.OverLimit, "VolumeSizeExceedsLimit: Requested volume size %dG is larger than maximum allowed limit %dG.", gb, per)
	}
	u, err := tx.Usage(ctx, project)
	if err != nil {
		return err
	}
	tu := u.ByType[typeName]
	checks := []struct {
		name          string
		used, want, n int
	}{
		{"volumes", u.Volumes, volumes, volumes},
		{"snapshots", u.Snapshots, snapshots, snapshots},
		{"gigabytes", u.Gigabytes, gb, gb},
		{"volumes_" + typeName, tu.Volumes, volumes, volumes},
		{"snapshots_" + typeName, tu.Snapshots, snapshots, snapshots},
		{"gigabytes_" + typeName, tu.Gigabytes, gb, gb},
	}
	// cinder's reservation reports every exceeded resource, sorted by
	// name, and the refusal names the first one.
	sort.Slice(checks, func(i, j int) bool { return checks[i].name < checks[j].name })
	for _, c := range checks {
		lim := limitOf(l, c.name)
		if c.want == 0 || lim < 0 || c.used+c.want <= lim {
			continue
		}
		switch {
		case c.name == "gigabytes" || c.name == "gigabytes_"+typeName:
			return fault.New(fault.OverLimit, "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed %s quota. Requested %dG, quota is %dG and %dG has been consumed.", c.name, gb, lim, c.used)
		case c.name == "snapshots" || c.name == "snapshots_"+typeName:
			return fault.New(fault.OverLimit, "SnapshotLimitExceeded: Maximum number of snapshots allowed (%d) exceeded", lim)
		default:
			return fault.New(fault.OverLimit, "VolumeLimitExceeded: Maximum number of volumes allowed (%d) exceeded for quota '%s'.", lim, c.name)
		}
	}
	return nil
}

// checkTypeQuota refuses a retype of a volume of gb GiB to typeName when
// that type's own quotas (volumes_<type>, gigabytes_<type>) are full; the
// project's totals do not change. Same transaction rules as checkQuota.
func (a *API) checkTypeQuota(ctx context.Context, tx *store.Store, project, typeName string, gb int) error {
	l, err := a.limitsOf(ctx, tx, project)
	if err != nil {
		return err
	}
	u, err := tx.Usage(ctx, project)
	if err != nil {
		return err
	}
	tu := u.ByType[typeName]
	if lim := limitOf(l, "volumes_"+typeName); lim >= 0 && tu.Volumes+1 > lim {
		return fault.New(fault.OverLimit, "VolumeLimitExceeded: Maximum number of volumes allowed (%d) exceeded for quota '%s'.", lim, "volumes_"+typeName)
	}
	if lim := limitOf(l, "gigabytes_"+typeName); lim >= 0 && tu.Gigabytes+gb > lim {
		return fault.New(fault.OverLimit, "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed %s quota. Requested %dG, quota is %dG and %dG has been consumed.", "gigabytes_"+typeName, gb, lim, tu.Gigabytes)
	}
	return nil
}
