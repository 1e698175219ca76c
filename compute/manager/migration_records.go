package manager

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

// lifecycleDeps are what the lifecycle actions (snapshot, rebuild, resize,
// shelve, rescue) need beyond the build's: Glance, and the other compute
// hosts of a move.
type lifecycleDeps struct {
	images       ImageService
	compute      MoveCompute
	offloadAfter int // [DEFAULT] shelved_offload_time
}

// ImageService is what nova-compute asks of Glance for snapshots and
// shelving (the service user's view): GlanceImages implements it.
type ImageService interface {
	// AddLocation registers the data of a queued image at an rbd://
	// location; the image becomes active.
	AddLocation(ctx context.Context, imageID, location string) error
	// Delete deletes an image (and, through Glance, its data).
	Delete(ctx context.Context, imageID string) error
}

// MoveCompute casts the steps of a move to another (or the same) host.
type MoveCompute interface {
	ResizeInstance(ctx context.Context, host string, a computeapi.ResizeArgs) error
	FinishResize(ctx context.Context, host string, a computeapi.ResizeArgs) error
	FinishRevertResize(ctx context.Context, host string, a computeapi.ResizeArgs) error
}

// SetImageService gives the manager Glance for snapshots and shelving.
func (m *Manager) SetImageService(s ImageService) { m.life.images = s }

// SetMoveCompute gives the manager the compute RPC client for moves.
func (m *Manager) SetMoveCompute(c MoveCompute) { m.life.compute = c }

// registerLifecycle serves the lifecycle methods.
func (m *Manager) registerLifecycle(srv *rpc.Server) {
	srv.Register(computeapi.MethodSnapshotInstance, rpc.Handle(m.snapshotInstance))
	srv.Register(computeapi.MethodRebuildInstance, rpc.Handle(m.rebuildInstance))
	srv.Register(computeapi.MethodPrepResize, rpc.Handle(m.prepResize))
	srv.Register(computeapi.MethodResizeInstance, rpc.Handle(m.resizeInstance))
	srv.Register(computeapi.MethodFinishResize, rpc.Handle(m.finishResize))
	srv.Register(computeapi.MethodConfirmResize, rpc.Handle(m.confirmResize))
	srv.Register(computeapi.MethodRevertResize, rpc.Handle(m.revertResize))
	srv.Register(computeapi.MethodFinishRevertResize, rpc.Handle(m.finishRevertResize))
	srv.Register(computeapi.MethodShelveInstance, rpc.Handle(m.shelveInstance))
	srv.Register(computeapi.MethodShelveOffloadInstance, rpc.Handle(m.shelveOffloadInstance))
	srv.Register(computeapi.MethodUnshelveInstance, rpc.Handle(m.unshelveInstance))
	srv.Register(computeapi.MethodRescueInstance, rpc.Handle(m.rescueInstance))
	srv.Register(computeapi.MethodUnrescueInstance, rpc.Handle(m.unrescueInstance))
}

// moveConductor is the conductor's part for moves; *ConductorClient has it.
type moveConductor interface {
	MigrationUpdate(ctx context.Context, u conductorapi.MigrationUpdate) (objects.Migration, error)
	InstanceMoveUpdate(ctx context.Context, u conductorapi.InstanceMoveUpdate) (objects.Instance, error)
	MoveClaims(ctx context.Context, c conductorapi.MoveClaims) error
}

// MigrationUpdate calls migration_update.
func (c *ConductorClient) MigrationUpdate(ctx context.Context, u conductorapi.MigrationUpdate) (objects.Migration, error) {
	var out objects.Migration
	err := c.call(ctx, conductorapi.MethodMigrationUpdate, u, &out)
	return out, err
}

// InstanceMoveUpdate calls instance_move_update.
func (c *ConductorClient) InstanceMoveUpdate(ctx context.Context, u conductorapi.InstanceMoveUpdate) (objects.Instance, error) {
	var out objects.Instance
	err := c.call(ctx, conductorapi.MethodInstanceMoveUpdate, u, &out)
	return out, err
}

// MoveClaims calls move_claims.
func (c *ConductorClient) MoveClaims(ctx context.Context, mc conductorapi.MoveClaims) error {
	return c.call(ctx, conductorapi.MethodMoveClaims, mc, nil)
}

var _ moveConductor = (*ConductorClient)(nil)

func (m *Manager) moves() (moveConductor, error) {
	mc, ok := m.conductor.(moveConductor)
	if !ok {
		return nil, fault.New(fault.Unavailable, "this conductor client cannot record moves")
	}
	return mc, nil
}

// setMigration changes a migration's status, logging a failure.
func (m *Manager) setMigration(ctx context.Context, mig objects.Migration, status string) {
	mc, err := m.moves()
	if err == nil {
		dctx, cancel := detached(ctx)
		_, err = mc.MigrationUpdate(dctx, conductorapi.MigrationUpdate{ID: mig.ID, Status: &status})
		cancel()
	}
	if err != nil {
		m.log.ErrorContext(ctx, "compute: could not record a migration's status", "migration", mig.UUID, "status", status, "error", err)
	}
}

// moveUpdate changes the instance and what a move changes.
func (m *Manager) moveUpdate(ctx context.Context, u conductorapi.InstanceMoveUpdate) (objects.Instance, error) {
	mc, err := m.moves()
	if err != nil {
		return objects.Instance{}, err
	}
	return mc.InstanceMoveUpdate(ctx, u)
}

// claims runs a move claims operation, logging a failure.
func (m *Manager) claims(ctx context.Context, op, instance, migration string) {
	mc, err := m.moves()
	if err == nil {
		dctx, cancel := detached(ctx)
		err = mc.MoveClaims(dctx, conductorapi.MoveClaims{Op: op, InstanceUUID: instance, MigrationUUID: migration})
		cancel()
	}
	if err != nil {
		m.log.ErrorContext(ctx, "compute: could not update a move's resource claims", "instance", instance, "op", op, "error", err)
	}
}

// GlanceImages is ImageService over Glance's API as the service user.
type GlanceImages struct {
	Auth *auth.Client
	HTTP *http.Client
}

func (g *GlanceImages) do(ctx context.Context, method, path string, body any, ok ...int) error {
	token, err := g.Auth.Token(ctx)
	if err != nil {
		return fault.Wrap(err, fault.Unavailable, "nova-compute cannot authenticate to the image service.")
	}
	base, err := g.Auth.Endpoint(ctx, auth.EndpointFilter{ServiceType: "image"})
	if err != nil {
		return fault.Wrap(err, fault.Unavailable, "The image service is not in the service catalog.")
	}
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(base, "/")+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("X-Auth-Token", token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := g.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 2 * time.Minute}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fault.Wrap(err, fault.Unavailable, "The image service could not be reached.")
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	for _, code := range ok {
		if resp.StatusCode == code {
			return nil
		}
	}
	cause := fmt.Errorf("glance %s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(data)))
	switch resp.StatusCode {
	case http.StatusNotFound:
		return fault.Wrap(cause, fault.NotFound, "The image could not be found in the image service.")
	case http.StatusConflict, http.StatusForbidden, http.StatusBadRequest:
		return fault.Wrap(cause, fault.Conflict, "The image service refused the request (HTTP %d).", resp.StatusCode)
	}
	return fault.Wrap(cause, fault.Unavailable, "The image service failed (HTTP %d).", resp.StatusCode)
}

// AddLocation is Glance's add-location call (POST /v2/images/{id}/locations,
// images API 2.17), as nova's direct snapshot uses it.
func (g *GlanceImages) AddLocation(ctx context.Context, imageID, location string) error {
	return g.do(ctx, http.MethodPost, "/v2/images/"+url.PathEscape(imageID)+"/locations",
		map[string]any{"url": location, "validation_data": map[string]any{}}, http.StatusAccepted, http.StatusOK, http.StatusNoContent)
}

// Delete deletes an image; one already gone is not an error.
func (g *GlanceImages) Delete(ctx context.Context, imageID string) error {
	err := g.do(ctx, http.MethodDelete, "/v2/images/"+url.PathEscape(imageID), nil, http.StatusNoContent, http.StatusOK)
	if fault.KindOf(err) == fault.NotFound {
		return nil
	}
	return err
}

// Backups lists the active backups of an instance of one backup type,
// newest first (Glance v2 property filters).
func (g *GlanceImages) Backups(ctx context.Context, instanceUUID, backupType string) ([]string, error) {
	q := url.Values{"instance_uuid": {instanceUUID}, "image_type": {"backup"}, "backup_type": {backupType},
		"status": {"active"}, "sort_key": {"created_at"}, "sort_dir": {"desc"}, "limit": {"1000"}}
	var out struct {
		Images []struct {
			ID string `json:"id"`
		} `json:"images"`
	}
	if err := g.get(ctx, "/v2/images?"+q.Encode(), &out); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(out.Images))
	for _, im := range out.Images {
		ids = append(ids, im.ID)
	}
	return ids, nil
}

func (g *GlanceImages) get(ctx context.Context, path string, out any) error {
	token, err := g.Auth.Token(ctx)
	if err != nil {
		return fault.Wrap(err, fault.Unavailable, "nova-compute cannot authenticate to the image service.")
	}
	base, err := g.Auth.Endpoint(ctx, auth.EndpointFilter{ServiceType: "image"})
	if err != nil {
		return fault.Wrap(err, fault.Unavailable, "The image service is not in the service catalog.")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("X-Auth-Token", token)
	hc := g.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 2 * time.Minute}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fault.Wrap(err, fault.Unavailable, "The image service could not be reached.")
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if resp.StatusCode != http.StatusOK {
		return fault.Wrap(fmt.Errorf("glance GET %s: %s: %s", path, resp.Status, data), fault.Unavailable, "The image service failed (HTTP %d).", resp.StatusCode)
	}
	return json.Unmarshal(data, out)
}

var _ ImageService = (*GlanceImages)(nil)
