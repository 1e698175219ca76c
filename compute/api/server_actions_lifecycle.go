package api

import (
	"context"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// AllowResizeToSameHost is nova's [DEFAULT] allow_resize_to_same_host: the
// scheduler may keep a resized server on its host (a one-host cloud needs
// it).
var AllowResizeToSameHost = config.Bool("DEFAULT", "allow_resize_to_same_host", false,
	"Allow the scheduler to resize a server on the host it runs on.")

// MoveConductor is what the API asks of the conductor for moves;
// *conductorapi.Client implements it.
type MoveConductor interface {
	MigrateServer(ctx context.Context, m conductorapi.MigrateServer) error
	UnshelveInstance(ctx context.Context, m conductorapi.UnshelveInstance) error
}

// UnshelveCompute casts an unshelve to a host that kept the instance.
type UnshelveCompute interface {
	UnshelveInstance(ctx context.Context, host string, a computeapi.UnshelveInstanceArgs) error
}

var _ MoveConductor = (*conductorapi.Client)(nil)

// lifecycleAction serves the lifecycle actions of "Servers - run an
// action"; false when name is not one of them.
func (a *API) lifecycleAction(w http.ResponseWriter, r *http.Request, c caller, name string, arg any) bool {
	var h func(http.ResponseWriter, *http.Request, caller, any)
	switch name {
	case "createImage":
		h = a.createImage
	case "createBackup":
		h = a.createBackup
	case "rebuild":
		h = a.rebuildServer
	case "resize":
		h = a.resizeServer
	case "confirmResize":
		h = a.confirmResize
	case "revertResize":
		h = a.revertResize
	case "shelve":
		h = a.shelveServer
	case "shelveOffload":
		h = a.shelveOffload
	case "unshelve":
		h = a.unshelveServer
	case "rescue":
		h = a.rescueServer
	case "unrescue":
		h = a.unrescueServer
	default:
		return false
	}
	h(w, r, c, arg)
	return true
}

// nullBody accepts the null (or empty object) argument of actions that
// take none.
func nullBody(name string, arg any) error {
	if arg == nil {
		return nil
	}
	if m, ok := arg.(map[string]any); ok && len(m) == 0 {
		return nil
	}
	return badField(name, arg, "%s is not of type 'null'", repr(arg))
}

// lifecycleTransition is transition for actions whose instance may have
// no host (unshelve of an offloaded server).
func (a *API) lifecycleTransition(r *http.Request, c caller, in objects.Instance, method, action string, vms, tasks []string, task string, needHost bool) (objects.Instance, error) {
	if needHost {
		return a.transition(r, c, in, method, action, vms, tasks, task)
	}
	if err := a.checkLocked(c, in); err != nil {
		return in, err
	}
	if err := checkStates(method, in, vms, tasks); err != nil {
		return in, err
	}
	out, err := a.store.UpdateInstance(r.Context(), in.UUID, store.InstanceUpdate{TaskState: &task, ExpectedTaskState: tasks})
	if fault.KindOf(err) == fault.Conflict {
		return in, invalidState(method, in, true)
	}
	if err != nil {
		return in, err
	}
	if _, err := a.store.CreateAction(r.Context(), in.UUID, a.action(r, c, action)); err != nil {
		return in, err
	}
	return out, nil
}

// clearTask undoes the task of an action that could not be started.
func (a *API) clearTask(r *http.Request, uuid string) {
	none := ""
	if _, err := a.store.UpdateInstance(context.WithoutCancel(r.Context()), uuid, store.InstanceUpdate{TaskState: &none}); err != nil {
		a.log.ErrorContext(r.Context(), "cannot clear task state", "instance", uuid, "error", err.Error())
	}
}

// rebuildServer is api-ref "Rebuild Server (rebuild Action)": the root
// disk is made anew from imageRef; id, flavor and volumes stay. 202 with
// the server (and adminPass).
func (a *API) rebuildServer(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	m, ok := arg.(map[string]any)
	if !ok {
		writeErr(w, r, badField("rebuild", arg, "%s is not of type 'object'", repr(arg)))
		return
	}
	b := body(m)
	allowed := []string{"imageRef", "name", "adminPass", "metadata", "preserve_ephemeral", "accessIPv4", "accessIPv6", "OS-DCF:diskConfig"}
	if !atLeast(r, 57) {
		allowed = append(allowed, "personality")
	}
	if atLeast(r, 19) {
		allowed = append(allowed, "description")
	}
	if atLeast(r, 54) {
		allowed = append(allowed, "key_name")
	}
	if atLeast(r, 57) {
		allowed = append(allowed, "user_data")
	}
	if trustedCertsAllowed(r) {
		allowed = append(allowed, "trusted_image_certificates")
	}
	if atLeast(r, 90) {
		allowed = append(allowed, "hostname")
	}
	if err := b.only("rebuild", allowed...); err != nil {
		writeErr(w, r, err)
		return
	}
	imageRef, _, err := b.str("imageRef", true, false, 0, 0)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	imageRef = lastSegment(imageRef)
	name, hasName, err := b.str("name", false, false, 1, 255)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if hasName {
		if err := nameOK("rebuild.name", name); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	pass, _, err := b.str("adminPass", false, false, 0, 0)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	preserve, _, err := b.boolField("preserve_ephemeral")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	var meta map[string]string
	if v, ok := m["metadata"]; ok {
		if meta, err = stringMap("rebuild.metadata", v); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	keyName, hasKey, err := b.str("key_name", false, true, 1, 255) // 2.54
	if err != nil {
		writeErr(w, r, err)
		return
	}
	userData, hasUserData, err := parseUserData(b) // 2.57
	if err != nil {
		writeErr(w, r, err)
		return
	}
	certs, hasCerts, err := parseTrustedCerts(b) // 2.63
	if err != nil {
		writeErr(w, r, err)
		return
	}
	hostname, hasHostname, err := hostname290(r, b) // 2.90
	if err != nil {
		writeErr(w, r, err)
		return
	}
	dc, err := diskConfig(b)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:servers:rebuild")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	sc, err := a.lifecycleCompute()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	volumeBacked := in.ImageRef == "" // rebuild_volume.go
	if volumeBacked && len(certs) > 0 {
		writeErr(w, r, trustedCertsForVolumeBoot())
		return
	}
	var keyData string
	if hasKey && keyName != "" {
		// the caller's key pair, as nova's rebuild
		k, err := a.store.GetKeyPair(r.Context(), c.UserID, keyName)
		if err != nil {
			writeErr(w, r, invalid("Invalid key_name provided."))
			return
		}
		keyData = k.PublicKey
	}
	vms := []string{objects.VMActive, objects.VMStopped, objects.VMError}
	if err := a.checkLocked(c, in); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := checkStates("rebuild", in, vms, []string{""}); err != nil {
		writeErr(w, r, err)
		return
	}
	img, err := a.images.Image(r.Context(), c.AuthToken, imageRef)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			err = invalid("Cannot find requested image %s: Image %s could not be found.", imageRef, imageRef)
		}
		writeErr(w, r, err)
		return
	}
	reimage := false
	if volumeBacked {
		if reimage, err = a.volumeBackedRebuild(r, c, in, img); err == nil {
			err = checkRebuildImage(img, in.Flavor)
		}
	} else {
		err = a.checkImageFits(c, img, in.Flavor)
	}
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := checkImageDiskConfig(dc, img); err != nil {
		writeErr(w, r, err)
		return
	}
	in, err = a.transition(r, c, in, "rebuild", objects.ActionRebuild, vms, []string{""}, objects.TaskRebuilding)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	// The instance's image (and its image_* system metadata) become the
	// new image's, as nova's rebuild does before it casts.
	sys := withDiskConfig(in.SystemMetadata, dc)
	maps.DeleteFunc(sys, func(k, _ string) bool { return strings.HasPrefix(k, "image_") })
	for k, v := range img.Properties {
		sys["image_"+k] = v
	}
	for k, v := range map[string]string{"image_min_disk": itoa(img.MinDisk), "image_min_ram": itoa(img.MinRAM),
		"image_disk_format": img.DiskFormat, "image_container_format": img.ContainerFormat, "image_base_image_ref": img.ID} {
		sys[k] = v
	}
	if hasCerts {
		delete(sys, sysMetaTrustedCerts)
		if c := encodeTrustedCerts(certs); c != "" {
			sys[sysMetaTrustedCerts] = c
		}
	}
	u := store.MoveUpdate{InstanceUpdate: store.InstanceUpdate{SystemMetadata: sys, Metadata: meta}}
	if !volumeBacked { // a volume-backed server's image is its root volume's, as nova
		u.ImageRef = &img.ID
	}
	if hasName {
		u.Name = &name
	}
	if hasHostname {
		u.Hostname = &hostname
	}
	if hasKey {
		u.KeyName, u.KeyData = &keyName, &keyData
	}
	if hasUserData {
		u.UserData = &userData
	}
	orig := in.ImageRef
	if in, err = a.store.UpdateInstanceMove(r.Context(), in.UUID, u); err != nil {
		a.clearTask(r, in.UUID)
		writeErr(w, r, err)
		return
	}
	bdmMap, err := a.store.BlockDeviceMappings(r.Context(), []string{in.UUID})
	if err != nil {
		a.clearTask(r, in.UUID)
		writeErr(w, r, err)
		return
	}
	bdms := bdmMap[in.UUID]
	if err := a.castOrRevert(r, in, func() error {
		return sc.RebuildInstance(rpcCtx(r), computeapi.RebuildInstanceArgs{Instance: in, Image: img, OrigImageRef: orig,
			PreserveEphemeral: preserve, BDMs: bdms, AdminPassword: pass, ReimageBootVolume: reimage})
	}); err != nil {
		writeErr(w, r, err)
		return
	}
	v, err := a.newViewCtx(r, c, []objects.Instance{in}, projectTarget(in.ProjectID))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	v.updateView = !atLeast(r, 75) // below 2.75 rebuild answers update's reduced view
	server := a.serverView(r, v, in)
	if err := a.addServerGroups(r, server, in); err != nil { // 2.71, microversions_servers.go
		writeErr(w, r, err)
		return
	}
	if !atLeast(r, 75) {
		stripAddressExtensions(server) // nova's rebuild view: extend_address=False
	}
	// nova's rebuild answer adds the key (2.54) and the user data (2.57)
	if atLeast(r, 54) {
		server["key_name"] = nullable(in.KeyName)
	}
	if atLeast(r, 57) {
		server["user_data"] = nullable(in.UserData)
	}
	// nova's rebuild view is show's without OS-EXT-SRV-ATTR:user_data
	// (show_user_data=False): the user data is the top-level user_data.
	delete(server, "OS-EXT-SRV-ATTR:user_data")
	if a.set.EnableInstancePassword {
		if pass == "" {
			pass = randomString(12, "23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")
		}
		server["adminPass"] = pass
	}
	httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]any{"server": server})
}

// stripAddressExtensions keeps only addr and version in a server view's
// addresses, as nova's rebuild answers below 2.75.
func stripAddressExtensions(server map[string]any) {
	switch addrs := server["addresses"].(type) {
	case map[string]any:
		for _, list := range addrs {
			items, _ := list.([]any)
			for _, it := range items {
				if m, ok := it.(map[string]any); ok {
					delete(m, "OS-EXT-IPS-MAC:mac_addr")
					delete(m, "OS-EXT-IPS:type")
				}
			}
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// resizeServer is api-ref "Resize Server (resize Action)": 202, then the
// conductor schedules the new flavor and the compute hosts move the
// server to VERIFY_RESIZE.
func (a *API) resizeServer(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	m, ok := arg.(map[string]any)
	if !ok {
		writeErr(w, r, badField("resize", arg, "%s is not of type 'object'", repr(arg)))
		return
	}
	b := body(m)
	if err := b.only("resize", "flavorRef", "OS-DCF:diskConfig"); err != nil {
		writeErr(w, r, err)
		return
	}
	var ref string
	switch v := m["flavorRef"].(type) {
	case nil:
		writeErr(w, r, badField("resize", arg, "'flavorRef' is a required property"))
		return
	case string:
		ref = v
	case float64:
		ref = itoa(int(v))
	default:
		writeErr(w, r, badField("resize.flavorRef", v, "%s is not of type 'string', 'integer'", repr(v)))
		return
	}
	if ref == "" {
		writeErr(w, r, badField("resize.flavorRef", ref, "'' is too short"))
		return
	}
	dc, err := diskConfig(b)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:servers:resize")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	mc, ok := a.conductor.(MoveConductor)
	if !ok {
		writeErr(w, r, fault.New(fault.Unavailable, "nova-api cannot reach the conductor for a resize."))
		return
	}
	vms := []string{objects.VMActive, objects.VMStopped}
	if err := a.checkLocked(c, in); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := checkStates("resize", in, vms, []string{""}); err != nil {
		writeErr(w, r, err)
		return
	}
	nf, err := a.store.GetFlavor(r.Context(), lastSegment(ref))
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			err = invalid("Unable to locate requested flavor.")
		}
		writeErr(w, r, err)
		return
	}
	cur := in.Flavor
	if nf.FlavorID == cur.FlavorID {
		writeErr(w, r, invalid("When resizing, instances must change flavor!"))
		return
	}
	if nf.Disabled {
		writeErr(w, r, invalid("Flavor %s is disabled; pick another flavor.", nf.FlavorID))
		return
	}
	if in.ImageRef != "" {
		switch {
		case nf.RootGB == 0 && cur.RootGB != 0:
			writeErr(w, r, invalid("Server disk was unable to be resized because: Resize to zero disk flavor is not allowed."))
			return
		case nf.RootGB < cur.RootGB:
			writeErr(w, r, invalid("Server disk was unable to be resized because: Resize to a smaller disk is not allowed: "+
				"flavor %s has a %d GB root disk, the server's is %d GB; pick a flavor with at least %d GB.", nf.Name, nf.RootGB, cur.RootGB, cur.RootGB))
			return
		}
	}
	if err := a.checkResizeQuota(r, in, cur, nf); err != nil {
		writeErr(w, r, err)
		return
	}
	sys := withDiskConfig(in.SystemMetadata, dc)
	if err := a.startMove(r, c, mc, in, move{method: "resize", action: objects.ActionResize, migrationType: objects.MigrationResize,
		from: cur, to: nf, sysmeta: sys, allowSameHost: a.set.AllowResizeToSameHost}); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// move is a resize or cold migration to start: the action and migration
// type it records, the flavors, the instance's new system metadata and
// where the scheduler may look.
type move struct {
	method, action, migrationType string
	from, to                      objects.Flavor
	sysmeta                       map[string]string
	allowSameHost                 bool
	host                          string // the destination asked for ("": the scheduler's choice)
}

// startMove puts the instance in resize_prep with an action and a
// pre-migrating migration, keeps both flavors and the vm_state to return
// to, and casts migrate_server to the conductor. On an error nothing of
// it stays.
func (a *API) startMove(r *http.Request, c caller, mc MoveConductor, in objects.Instance, mv move) error {
	vms := []string{objects.VMActive, objects.VMStopped}
	in, err := a.transition(r, c, in, mv.method, mv.action, vms, []string{""}, objects.TaskResizePrep)
	if err != nil {
		return err
	}
	mig, err := a.store.CreateMigration(r.Context(), objects.Migration{
		SourceCompute: in.Host, SourceNode: in.Node, OldInstanceTypeID: mv.from.ID, NewInstanceTypeID: mv.to.ID,
		InstanceUUID: in.UUID, Status: objects.MigrationPreMigrating, MigrationType: mv.migrationType,
		UserID: c.UserID, ProjectID: c.ProjectID,
	})
	if err != nil {
		a.clearTask(r, in.UUID)
		return err
	}
	sys := maps.Clone(mv.sysmeta)
	if sys == nil {
		sys = map[string]string{}
	}
	sys["old_vm_state"] = in.VMState
	from, to := mv.from, mv.to
	if in, err = a.store.UpdateInstanceMove(r.Context(), in.UUID, store.MoveUpdate{OldFlavor: &from, NewFlavor: &to,
		InstanceUpdate: store.InstanceUpdate{SystemMetadata: sys}}); err != nil {
		a.failMigration(r, mig)
		a.clearTask(r, in.UUID)
		return err
	}
	props := map[string]string{}
	for k, v := range in.SystemMetadata {
		if p, ok := strings.CutPrefix(k, "image_"); ok {
			props[p] = v
		}
	}
	if err := mc.MigrateServer(rpcCtx(r), conductorapi.MigrateServer{Instance: in, Migration: mig, NewFlavor: to, OldFlavor: from,
		AllowSameHost: mv.allowSameHost, Host: mv.host, ImageProperties: props, CleanShutdown: true, RequestID: requestID(r)}); err != nil {
		a.failMigration(r, mig)
		a.clearTask(r, in.UUID)
		return fault.Wrap(err, fault.Unavailable, "The %s could not be requested: the conductor is not reachable; try again later.", mv.method)
	}
	return nil
}

// checkResizeQuota is nova's resize quota check: a bigger flavor must fit
// the project's cores and ram quotas (403 "Quota exceeded for ...").
func (a *API) checkResizeQuota(r *http.Request, in objects.Instance, cur, nf objects.Flavor) error {
	dCores, dRAM := nf.VCPUs-cur.VCPUs, nf.MemoryMB-cur.MemoryMB
	if dCores <= 0 && dRAM <= 0 {
		return nil
	}
	limits, err := a.quotaLimits(r, in.ProjectID, true)
	if err != nil {
		return err
	}
	u, err := a.store.ProjectUsage(r.Context(), in.ProjectID)
	if err != nil {
		return err
	}
	for _, x := range []struct {
		name        string
		used, delta int
	}{{"cores", u.Cores, dCores}, {"ram", u.RAM, dRAM}} {
		if l := limits[x.name]; l >= 0 && x.delta > 0 && x.used+x.delta > l {
			return fault.New(fault.OverLimit, "Quota exceeded for %s: Requested %d, but already used %d of %d %s",
				x.name, x.delta, x.used, l, x.name)
		}
	}
	return nil
}

func (a *API) failMigration(r *http.Request, mig objects.Migration) {
	st := objects.MigrationError
	if _, err := a.store.UpdateMigration(context.WithoutCancel(r.Context()), mig.ID, store.MigrationUpdate{Status: &st}); err != nil {
		a.log.ErrorContext(r.Context(), "cannot error a migration", "migration", mig.UUID, "error", err.Error())
	}
}

// resizeArgs gathers what confirm and revert send: the finished
// migration and both flavors. No finished resize is nova's 400 "Instance
// has not been resized.".
func (a *API) resizeArgs(r *http.Request, in objects.Instance) (computeapi.ResizeArgs, error) {
	mig, err := a.store.MigrationByStatus(r.Context(), in.UUID, objects.MigrationFinished)
	if fault.KindOf(err) == fault.NotFound {
		return computeapi.ResizeArgs{}, invalid("Instance has not been resized.")
	}
	if err != nil {
		return computeapi.ResizeArgs{}, err
	}
	old, nf, err := a.store.MoveFlavors(r.Context(), in.UUID)
	if err != nil {
		return computeapi.ResizeArgs{}, err
	}
	bdms, err := a.store.BlockDeviceMappings(r.Context(), []string{in.UUID})
	if err != nil {
		return computeapi.ResizeArgs{}, err
	}
	args := computeapi.ResizeArgs{Instance: in, Migration: mig, NewFlavor: in.Flavor, OldFlavor: in.Flavor, BDMs: bdms[in.UUID]}
	if old != nil {
		args.OldFlavor = *old
	}
	if nf != nil {
		args.NewFlavor = *nf
	}
	return args, nil
}

// confirmResize is api-ref "Confirm Resized Server": 204.
func (a *API) confirmResize(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	if err := nullBody("confirmResize", arg); err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:servers:confirm_resize")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	sc, err := a.lifecycleCompute()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.checkLocked(c, in); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := checkStates("confirmResize", in, []string{objects.VMResized}, []string{""}); err != nil {
		writeErr(w, r, err)
		return
	}
	args, err := a.resizeArgs(r, in)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	st := objects.MigrationConfirming
	if args.Migration, err = a.store.UpdateMigration(r.Context(), args.Migration.ID, store.MigrationUpdate{Status: &st,
		ExpectedStatus: []string{objects.MigrationFinished}}); err != nil {
		if fault.KindOf(err) == fault.Conflict {
			err = invalid("Instance has not been resized.")
		}
		writeErr(w, r, err)
		return
	}
	if _, err := a.store.CreateAction(r.Context(), in.UUID, a.action(r, c, objects.ActionConfirmResize)); err != nil {
		writeErr(w, r, err)
		return
	}
	source := args.Migration.SourceCompute
	if source == "" {
		source = in.Host
	}
	if err := sc.ConfirmResize(rpcCtx(r), source, args); err != nil {
		back := objects.MigrationFinished
		_, _ = a.store.UpdateMigration(context.WithoutCancel(r.Context()), args.Migration.ID, store.MigrationUpdate{Status: &back})
		writeErr(w, r, fault.Wrap(err, fault.Unavailable, "The compute service of host %s is not reachable; try again later.", source))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// revertResize is api-ref "Revert Resized Server": 202.
func (a *API) revertResize(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	if err := nullBody("revertResize", arg); err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:servers:revert_resize")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	sc, err := a.lifecycleCompute()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.checkLocked(c, in); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := checkStates("revertResize", in, []string{objects.VMResized}, []string{""}); err != nil {
		writeErr(w, r, err)
		return
	}
	args, err := a.resizeArgs(r, in)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err = a.transition(r, c, in, "revertResize", objects.ActionRevertResize, []string{objects.VMResized}, []string{""}, objects.TaskResizeReverting)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	args.Instance = in
	st := objects.MigrationReverting
	if args.Migration, err = a.store.UpdateMigration(r.Context(), args.Migration.ID, store.MigrationUpdate{Status: &st,
		ExpectedStatus: []string{objects.MigrationFinished}}); err != nil {
		a.clearTask(r, in.UUID)
		writeErr(w, r, err)
		return
	}
	dest := args.Migration.DestCompute
	if dest == "" {
		dest = in.Host
	}
	if err := sc.RevertResize(rpcCtx(r), dest, args); err != nil {
		back := objects.MigrationFinished
		_, _ = a.store.UpdateMigration(context.WithoutCancel(r.Context()), args.Migration.ID, store.MigrationUpdate{Status: &back})
		a.clearTask(r, in.UUID)
		writeErr(w, r, fault.Wrap(err, fault.Unavailable, "The compute service of host %s is not reachable; try again later.", dest))
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// shelveServer is api-ref "Shelve Server (shelve Action)": the disk is
// kept in the image <name>-shelved; with shelved_offload_time 0 the
// server is then offloaded. 202.
func (a *API) shelveServer(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	if err := nullBody("shelve", arg); err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-shelve:shelve")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	sc, err := a.lifecycleCompute()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	iw, err := a.imageWriter()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if in.ImageRef == "" {
		writeErr(w, r, fault.New(fault.Invalid, "Shelving a server booted from volume is not supported yet."))
		return
	}
	vms := []string{objects.VMActive, objects.VMStopped, objects.VMPaused, objects.VMSuspended}
	if err := a.checkLocked(c, in); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := checkStates("shelve", in, vms, []string{""}); err != nil {
		writeErr(w, r, err)
		return
	}
	imageID, err := iw.CreateImage(r.Context(), c.AuthToken, snapshotImage(c, in, in.Name+"-shelved", nil))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	dropImage := func() {
		if derr := iw.DeleteImage(context.WithoutCancel(r.Context()), c.AuthToken, imageID); derr != nil {
			a.log.ErrorContext(r.Context(), "cannot delete the image of a shelve that did not start", "image", imageID, "error", derr.Error())
		}
	}
	in, err = a.transition(r, c, in, "shelve", objects.ActionShelve, vms, []string{""}, objects.TaskShelving)
	if err != nil {
		dropImage()
		writeErr(w, r, err)
		return
	}
	sys := maps.Clone(in.SystemMetadata)
	if sys == nil {
		sys = map[string]string{}
	}
	sys["shelved_at"] = a.now().UTC().Format("2006-01-02T15:04:05.000000")
	sys["shelved_image_id"] = imageID
	sys["shelved_host"] = in.Host
	if in, err = a.store.UpdateInstance(r.Context(), in.UUID, store.InstanceUpdate{SystemMetadata: sys}); err != nil {
		dropImage()
		a.clearTask(r, in.UUID)
		writeErr(w, r, err)
		return
	}
	if err := a.castOrRevert(r, in, func() error {
		return sc.ShelveInstance(rpcCtx(r), computeapi.ShelveInstanceArgs{Instance: in, ImageID: imageID, Pool: imagePoolOf(in), CleanShutdown: true})
	}); err != nil {
		dropImage()
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// deleteShelvedImage deletes the image a shelved server's disk is kept
// in when the server is deleted, as nova's delete of a shelved instance.
func (a *API) deleteShelvedImage(r *http.Request, c caller, in objects.Instance) {
	id := in.SystemMetadata["shelved_image_id"]
	if id == "" || (in.VMState != objects.VMShelved && in.VMState != objects.VMShelvedOffloaded) {
		return
	}
	iw, err := a.imageWriter()
	if err == nil {
		err = iw.DeleteImage(r.Context(), c.AuthToken, id)
	}
	if err != nil {
		a.log.WarnContext(r.Context(), "cannot delete the shelved image of a deleted server", "instance", in.UUID, "image", id, "error", err.Error())
	}
}

// shelveOffload is api-ref "Shelf-Offload (Remove) Server": 202.
func (a *API) shelveOffload(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	if err := nullBody("shelveOffload", arg); err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-shelve:shelve_offload")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	sc, err := a.lifecycleCompute()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err = a.transition(r, c, in, "shelveOffload", objects.ActionShelveOffload, []string{objects.VMShelved}, []string{""}, objects.TaskShelvingOffload)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.castOrRevert(r, in, func() error {
		return sc.ShelveOffloadInstance(rpcCtx(r), computeapi.ShelveInstanceArgs{Instance: in, CleanShutdown: true})
	}); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// unshelveServer is api-ref "Restore (Unshelve) Server": a shelved-
// offloaded server is scheduled and built from its shelved image (then
// deleted); one still on its host starts there. 202.
func (a *API) unshelveServer(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	var zone, host string
	var zoneSet bool
	if m, ok := arg.(map[string]any); ok && len(m) > 0 && atLeast(r, 77) {
		allowed := []string{"availability_zone"}
		if atLeast(r, 91) {
			allowed = append(allowed, "host")
		}
		b := body(m)
		if err := b.only("unshelve", allowed...); err != nil {
			writeErr(w, r, err)
			return
		}
		var err error
		if zone, zoneSet, err = b.str("availability_zone", false, true, 1, 255); err != nil {
			writeErr(w, r, err)
			return
		}
		if host, _, err = b.str("host", false, false, 1, 255); err != nil {
			writeErr(w, r, err)
			return
		}
	} else if err := nullBody("unshelve", arg); err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-shelve:unshelve")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	vms := []string{objects.VMShelved, objects.VMShelvedOffloaded}
	if err := a.checkLocked(c, in); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := checkStates("unshelve", in, vms, []string{""}); err != nil {
		writeErr(w, r, err)
		return
	}
	imageID := in.SystemMetadata["shelved_image_id"]
	img, err := a.images.Image(r.Context(), c.AuthToken, imageID)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			err = fault.New(fault.Conflict, "Unshelve attempted but the image %s cannot be found.", imageID)
		}
		writeErr(w, r, err)
		return
	}
	offloaded := in.VMState == objects.VMShelvedOffloaded
	if (zoneSet || host != "") && !offloaded {
		writeErr(w, r, fault.New(fault.Conflict, "The availability_zone and host of an unshelve apply only to a server in SHELVED_OFFLOADED; this one is %s.", in.VMState))
		return
	}
	if host != "" {
		if err := a.can(c, "os_compute_api:os-shelve:unshelve_to_host", projectTarget(in.ProjectID)); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	in, err = a.lifecycleTransition(r, c, in, "unshelve", objects.ActionUnshelve, vms, []string{""}, objects.TaskUnshelving, !offloaded)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if offloaded {
		mc, ok := a.conductor.(MoveConductor)
		if !ok {
			a.clearTask(r, in.UUID)
			writeErr(w, r, fault.New(fault.Unavailable, "nova-api cannot reach the conductor for an unshelve."))
			return
		}
		if zoneSet {
			if in, err = a.store.UpdateInstance(r.Context(), in.UUID, store.InstanceUpdate{AvailabilityZone: &zone}); err != nil {
				a.clearTask(r, in.UUID)
				writeErr(w, r, err)
				return
			}
		}
		if err := mc.UnshelveInstance(rpcCtx(r), conductorapi.UnshelveInstance{Instance: in, Image: img, Host: host, RequestID: requestID(r)}); err != nil {
			a.clearTask(r, in.UUID)
			writeErr(w, r, fault.Wrap(err, fault.Unavailable, "The unshelve could not be requested: the conductor is not reachable; try again later."))
			return
		}
	} else {
		uc, ok := a.compute.(UnshelveCompute)
		if !ok {
			a.clearTask(r, in.UUID)
			writeErr(w, r, fault.New(fault.Unavailable, "nova-api cannot reach compute hosts for an unshelve."))
			return
		}
		if err := a.castOrRevert(r, in, func() error {
			return uc.UnshelveInstance(rpcCtx(r), in.Host, computeapi.UnshelveInstanceArgs{Instance: in, Image: img, Node: in.Node})
		}); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	w.WriteHeader(http.StatusAccepted)
}

// rescueServer is api-ref "Rescue Server (rescue Action)": the server
// boots from the rescue image (its own image by default) with its disk
// attached second. 200 with {"adminPass"}.
func (a *API) rescueServer(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	var pass, ref string
	if arg != nil {
		m, ok := arg.(map[string]any)
		if !ok {
			writeErr(w, r, badField("rescue", arg, "%s is not of type 'object', 'null'", repr(arg)))
			return
		}
		b := body(m)
		if err := b.only("rescue", "adminPass", "rescue_image_ref"); err != nil {
			writeErr(w, r, err)
			return
		}
		var err error
		if pass, _, err = b.str("adminPass", false, false, 0, 0); err != nil {
			writeErr(w, r, err)
			return
		}
		if ref, _, err = b.str("rescue_image_ref", false, false, 0, 0); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-rescue")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	sc, err := a.lifecycleCompute()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	volumeBacked := in.ImageRef == ""
	if volumeBacked && !atLeast(r, 87) {
		writeErr(w, r, invalid("Instance %s cannot be rescued: Cannot rescue a volume-backed instance", in.UUID))
		return
	}
	vms := []string{objects.VMActive, objects.VMStopped, objects.VMError}
	if err := a.checkLocked(c, in); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := checkStates("rescue", in, vms, []string{""}); err != nil {
		writeErr(w, r, err)
		return
	}
	if ref == "" {
		ref = in.ImageRef
	}
	if ref == "" {
		ref = in.SystemMetadata["image_base_image_ref"] // the root volume's image
	}
	if ref == "" {
		writeErr(w, r, invalid("Instance %s cannot be rescued: its root volume has no image; give rescue_image_ref.", in.UUID))
		return
	}
	img, err := a.images.Image(r.Context(), c.AuthToken, lastSegment(ref))
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			err = invalid("Cannot find requested image %s.", ref)
		}
		writeErr(w, r, err)
		return
	}
	if img.Status != "active" {
		writeErr(w, r, invalid("Image %s is not active.", img.ID))
		return
	}
	// 2.87's stable device rescue of a volume-backed server: the rescue
	// disk joins the guest's disks and boots first; the rescue image asks
	// for it with hw_rescue_device or hw_rescue_bus, as nova's.
	if volumeBacked && img.Properties["hw_rescue_device"] == "" && img.Properties["hw_rescue_bus"] == "" {
		writeErr(w, r, invalid("Instance %s cannot be rescued: Cannot rescue a volume-backed instance with a rescue image that sets neither hw_rescue_device nor hw_rescue_bus; set one on image %s.", in.UUID, img.ID))
		return
	}
	in, err = a.transition(r, c, in, "rescue", objects.ActionRescue, vms, []string{""}, objects.TaskRescuing)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if pass == "" {
		pass = randomString(12, "23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")
	}
	if err := a.castOrRevert(r, in, func() error {
		return sc.RescueInstance(rpcCtx(r), computeapi.RescueInstanceArgs{Instance: in, RescueImage: img, RescuePassword: pass})
	}); err != nil {
		writeErr(w, r, err)
		return
	}
	out := map[string]any{}
	if a.set.EnableInstancePassword {
		out["adminPass"] = pass
	}
	httpapi.WriteJSON(w, r, http.StatusOK, out)
}

// unrescueServer is api-ref "Unrescue Server": 202.
func (a *API) unrescueServer(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	if err := nullBody("unrescue", arg); err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-unrescue")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	sc, err := a.lifecycleCompute()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err = a.transition(r, c, in, "unrescue", objects.ActionUnrescue, []string{objects.VMRescued}, []string{""}, objects.TaskUnrescuing)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.castOrRevert(r, in, func() error { return sc.UnrescueInstance(rpcCtx(r), in) }); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
