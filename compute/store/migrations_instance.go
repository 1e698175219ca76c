package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// MoveUpdate is an instance update that may also change what a move
// changes: its flavor (resize), its image (rebuild, unshelve) and the
// flavors of a resize in progress (nova's instance.old_flavor and
// new_flavor). The embedded InstanceUpdate applies as UpdateInstance.
type MoveUpdate struct {
	InstanceUpdate
	Flavor *objects.Flavor // the current flavor (and its size columns)
	// OldFlavor and NewFlavor set the resize's flavors; ClearMoveFlavors
	// drops both (after a confirm or revert).
	OldFlavor        *objects.Flavor
	NewFlavor        *objects.Flavor
	ClearMoveFlavors bool
	ImageRef         *string
	// KeyName with KeyData, and UserData, replace the instance's (a
	// rebuild's key_name from 2.54, user_data from 2.57); "" unsets.
	KeyName, KeyData *string
	UserData         *string
}

// UpdateInstanceMove applies u in one transaction and returns the instance.
func (s *Store) UpdateInstanceMove(ctx context.Context, uuid string, u MoveUpdate) (objects.Instance, error) {
	var out objects.Instance
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := getInstance(ctx, tx, uuid, false, true)
		if err != nil {
			return err
		}
		if u.ExpectedTaskState != nil && !slices.Contains(u.ExpectedTaskState, cur.TaskState) {
			return unexpectedTaskState(cur, u.ExpectedTaskState)
		}
		if u.ExpectedVMState != nil && !slices.Contains(u.ExpectedVMState, cur.VMState) {
			return fault.New(fault.Conflict, "Unexpected vm state: expecting %s but the vm_state is actually %s",
				pyList(u.ExpectedVMState), cur.VMState)
		}
		if f := u.Flavor; f != nil {
			b, err := json.Marshal(f)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE instances SET flavor = $2, instance_type_id = $3, memory_mb = $4, vcpus = $5,
				root_gb = $6, ephemeral_gb = $7 WHERE uuid = $1`, uuid, b, f.FlavorID, f.MemoryMB, f.VCPUs, f.RootGB, f.EphemeralGB); err != nil {
				return fmt.Errorf("set the flavor of instance %s: %w", uuid, err)
			}
		}
		for _, f := range []struct {
			col string
			v   *objects.Flavor
		}{{"old_flavor", u.OldFlavor}, {"new_flavor", u.NewFlavor}} {
			if f.v == nil {
				continue
			}
			b, err := json.Marshal(f.v)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE instances SET `+f.col+` = $2 WHERE uuid = $1`, uuid, b); err != nil {
				return fmt.Errorf("set the %s of instance %s: %w", f.col, uuid, err)
			}
		}
		if u.ClearMoveFlavors {
			if _, err := tx.Exec(ctx, `UPDATE instances SET old_flavor = NULL, new_flavor = NULL WHERE uuid = $1`, uuid); err != nil {
				return fmt.Errorf("clear the resize flavors of instance %s: %w", uuid, err)
			}
		}
		if u.KeyName != nil && u.KeyData != nil {
			if _, err := tx.Exec(ctx, `UPDATE instances SET key_name = NULLIF($2, ''), key_data = NULLIF($3, '') WHERE uuid = $1`,
				uuid, *u.KeyName, *u.KeyData); err != nil {
				return fmt.Errorf("set the key of instance %s: %w", uuid, err)
			}
		}
		if u.UserData != nil {
			if _, err := tx.Exec(ctx, `UPDATE instances SET user_data = NULLIF($2, '') WHERE uuid = $1`, uuid, *u.UserData); err != nil {
				return fmt.Errorf("set the user data of instance %s: %w", uuid, err)
			}
		}
		if u.ImageRef != nil {
			if _, err := tx.Exec(ctx, `UPDATE instances SET image_ref = $2 WHERE uuid = $1`, uuid, *u.ImageRef); err != nil {
				return fmt.Errorf("set the image of instance %s: %w", uuid, err)
			}
		}
		u.InstanceUpdate.ExpectedTaskState, u.InstanceUpdate.ExpectedVMState = nil, nil
		out, err = applyUpdate(ctx, tx, uuid, u.InstanceUpdate)
		return err
	})
	return out, err
}

// MoveFlavors returns the flavors of the instance's resize in progress:
// old (to revert to) and new (to resize to); nil when none.
func (s *Store) MoveFlavors(ctx context.Context, uuid string) (old, new *objects.Flavor, err error) {
	var ob, nb []byte
	err = s.q.QueryRow(ctx, `SELECT old_flavor, new_flavor FROM instances WHERE uuid = $1 AND deleted_at IS NULL`, uuid).Scan(&ob, &nb)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, InstanceNotFound(uuid)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read the resize flavors of instance %s: %w", uuid, err)
	}
	if ob != nil {
		old = &objects.Flavor{}
		if err := json.Unmarshal(ob, old); err != nil {
			return nil, nil, err
		}
	}
	if nb != nil {
		new = &objects.Flavor{}
		if err := json.Unmarshal(nb, new); err != nil {
			return nil, nil, err
		}
	}
	return old, new, nil
}
