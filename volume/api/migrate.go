package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// migrateRequest is os-migrate_volume's body after cinder's schema
// (migrate_volume, migrate_volume_v316 from 3.16).
type migrateRequest struct {
	host, cluster     string
	force, lockVolume bool
}

// parseMigrate validates the body as cinder's schema, then its
// get_cluster_host: one and only one of host and cluster (3.16+), a host
// before.
func parseMigrate(arg json.RawMessage, mv microversion.Version) (migrateRequest, error) {
	var req migrateRequest
	var m map[string]json.RawMessage
	if err := json.Unmarshal(arg, &m); err != nil || m == nil {
		return req, fault.New(fault.Invalid, "Invalid input for field/attribute os-migrate_volume. Value: %s. %s is not of type 'object'", short(string(arg)), short(string(arg)))
	}
	v316 := mv.AtLeast(3, 16)
	allowed := []string{"host", "force_host_copy", "lock_volume"}
	if v316 {
		allowed = append(allowed, "cluster")
	}
	var extra []string
	for k := range m {
		if !contains(allowed, k) {
			extra = append(extra, "'"+k+"'")
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		verb := "was"
		if len(extra) > 1 {
			verb = "were"
		}
		return req, fault.New(fault.Invalid, "Invalid input for field/attribute os-migrate_volume. Value: %s. Additional properties are not allowed (%s %s unexpected)", short(string(arg)), strings.Join(extra, ", "), verb)
	}
	if _, ok := m["host"]; !ok && !v316 {
		return req, fault.New(fault.Invalid, "Invalid input for field/attribute os-migrate_volume. Value: %s. 'host' is a required property", short(string(arg)))
	}
	str := func(key string, nullable bool, max int) (string, error) {
		raw, ok := m[key]
		if !ok || (nullable && string(raw) == "null") {
			return "", nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			types := "'string'"
			if nullable {
				types = "'string', 'null'"
			}
			return "", fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s is not of type %s", key, short(string(raw)), short(string(raw)), types)
		}
		if len(s) > max {
			return "", fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. '%s' is too long", key, short(s), short(s))
		}
		return s, nil
	}
	boolean := func(key string) (bool, error) {
		raw, ok := m[key]
		if !ok {
			return false, nil
		}
		return schemaBoolOf(key, raw) // group_types.go
	}
	var err error
	if req.host, err = str("host", v316, 255); err != nil {
		return req, err
	}
	if v316 {
		if req.cluster, err = str("cluster", false, 255); err != nil {
			return req, err
		}
	}
	if req.force, err = boolean("force_host_copy"); err != nil {
		return req, err
	}
	if req.lockVolume, err = boolean("lock_volume"); err != nil {
		return req, err
	}
	if v316 && (req.host == "") == (req.cluster == "") {
		return req, invalid("One and only one of cluster and host must be set.")
	}
	if !v316 && req.host == "" {
		return req, invalid("Host field is missing.")
	}
	return req, nil
}

// migrateVolume is os-migrate_volume (api-ref "Migrate a volume"), an
// admin action, as cinder's volume API migrate_volume: the destination
// backend's service must be up and enabled; the volume available or
// in-use, not migrating, without snapshots and elsewhere than the
// destination (one conditional update: migration_status starting, and
// maintenance with lock_volume for an available volume); then the
// scheduler checks the destination with its filters and the volume's
// backend moves it (volume/manager/migrate.go). 202 with no body.
func (a *API) migrateVolume(w http.ResponseWriter, r *http.Request, arg json.RawMessage) {
	req, err := parseMigrate(arg, microversion.Of(r))
	if err != nil {
		fail(w, r, err)
		return
	}
	_, v, ok := a.volumeFor(w, r, "volume_extension:volume_admin_actions:migrate_volume")
	if !ok {
		return
	}
	ctx := r.Context()
	name := req.host
	if req.cluster != "" {
		// No backend is clustered here: no service has a cluster name.
		name = req.cluster
	}
	if req.cluster != "" || !a.volumeServiceUp(ctx, rpcapi.BackendOf(req.host)) {
		fail(w, r, fault.New(fault.Invalid, "Invalid host: No available service named '%s'", name))
		return
	}
	t, err := a.db.GetType(ctx, v.TypeID)
	if err != nil {
		fail(w, r, err)
		return
	}
	v, err = a.db.StartMigration(ctx, v.ID, req.host, req.lockVolume)
	if err != nil {
		fail(w, r, err)
		return
	}
	spec := rpcapi.RequestSpec{VolumeID: v.ID, Size: v.Size, VolumeTypeID: t.ID, VolumeTypeName: t.Name,
		ExtraSpecs: t.ExtraSpecs, AvailabilityZone: v.AvailabilityZone}
	if err := a.rpc.ScheduleMigrate(auth.WithRPC(ctx), rpcapi.ScheduleMigrate{VolumeID: v.ID, Host: req.host,
		ForceHostCopy: req.force, RequestSpec: spec}); err != nil {
		_, _ = a.db.EndMigration(context.WithoutCancel(ctx), v.ID, store.MigrationEnd{MigrationStatus: "error", Status: v.StatusBefore()})
		fail(w, r, fault.Wrap(err, fault.Unavailable, "The scheduler is unavailable."))
		return
	}
	a.log.Info("Migrate volume request issued successfully.", "volume", v.ID, "host", req.host)
	w.WriteHeader(http.StatusAccepted)
}

// volumeServiceUp reports whether the cinder-volume service of backend
// (host@backend) exists, is up and is enabled.
func (a *API) volumeServiceUp(ctx context.Context, backend string) bool {
	svcs, err := a.sg.List(ctx, servicegroup.Filter{Host: backend, Binary: "cinder-volume"})
	if err != nil {
		a.log.Error("cannot list volume services", "err", fmt.Errorf("migrate: %w", err))
		return false
	}
	down := time.Duration(a.set.ServiceDownTime) * time.Second
	for _, s := range svcs {
		if !s.Disabled && servicegroup.IsUp(s, time.Now(), down) {
			return true
		}
	}
	return false
}
