package api

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// serverRequest is a validated POST /servers body.
type serverRequest struct {
	name, description   string
	imageRef, flavorRef string
	keyName             string
	metadata            map[string]string
	userData            string
	zone, host, node    string
	minCount, maxCount  int
	returnReservation   bool
	tags                []string
	configDrive         bool
	adminPass           string
	bdms                []objects.BlockDeviceMapping
	accessIPs           map[string]string
	hints               schedulerHints // os:scheduler_hints (server_groups_hints.go)
	hostname            string         // 2.90 (microversions_servers.go)
	diskConfig          string         // OS-DCF:diskConfig, "" when absent (disk_config.go)
	trustedCerts        []string       // 2.63 (trusted_certs.go)
	networks            rpcapi.Requested
}

var tagPattern = regexp.MustCompile(`^[^,/]*$`)

// parseUserData reads user_data: base64 of at most 65535 characters, or
// null ("" then); set is false when absent.
func parseUserData(b body) (string, bool, error) {
	v, ok := b["user_data"]
	if !ok || v == nil {
		return "", ok, nil
	}
	str, isStr := v.(string)
	if !isStr {
		return "", true, badField("user_data", v, "%s is not of type 'string'", repr(v))
	}
	if len(str) > 65535 {
		return "", true, badField("user_data", "...", "is too long")
	}
	if _, err := base64.StdEncoding.DecodeString(str); err != nil {
		return "", true, badField("user_data", v, "%s is not a 'base64'", repr(v))
	}
	return str, true, nil
}

func parseServer(r *http.Request, b body) (serverRequest, error) {
	var s serverRequest
	allowed := []string{"name", "imageRef", "flavorRef", "adminPass", "metadata", "networks", "OS-DCF:diskConfig",
		"accessIPv4", "accessIPv6", "availability_zone", "block_device_mapping", "block_device_mapping_v2",
		"config_drive", "key_name", "min_count", "max_count", "return_reservation_id", "security_groups", "user_data"}
	if !atLeast(r, 57) {
		allowed = append(allowed, "personality")
	}
	if atLeast(r, 19) {
		allowed = append(allowed, "description")
	}
	if atLeast(r, 52) {
		allowed = append(allowed, "tags")
	}
	if atLeast(r, 74) {
		allowed = append(allowed, "host", "hypervisor_hostname")
	}
	if trustedCertsAllowed(r) {
		allowed = append(allowed, "trusted_image_certificates")
	}
	if atLeast(r, 90) {
		allowed = append(allowed, "hostname")
	}
	if err := b.only("server", allowed...); err != nil {
		return s, err
	}
	var err error
	if s.name, _, err = b.str("name", true, false, 1, 255); err != nil {
		return s, err
	}
	if err := nameOK("name", s.name); err != nil {
		return s, err
	}
	if s.description, _, err = b.str("description", false, true, 0, 255); err != nil {
		return s, err
	}
	if v, ok := b["imageRef"]; ok {
		str, isStr := v.(string)
		if !isStr {
			return s, badField("imageRef", v, "%s is not of type 'string'", repr(v))
		}
		if str != "" {
			if _, err := uuid.Parse(str); err != nil || len(str) != 36 {
				return s, badField("imageRef", v, "%s is not a 'uuid'", repr(v))
			}
		}
		s.imageRef = str
	}
	switch v := b["flavorRef"].(type) {
	case nil:
		return s, badField("server", map[string]any(b), "'flavorRef' is a required property")
	case string:
		if v == "" {
			return s, badField("flavorRef", v, "'' is too short")
		}
		s.flavorRef = v
	default:
		if n, ok := v.(interface{ String() string }); ok {
			s.flavorRef = n.String()
		} else {
			return s, badField("flavorRef", v, "%s is not of type 'string', 'integer'", repr(v))
		}
	}
	if s.keyName, _, err = b.str("key_name", false, true, 1, 255); err != nil {
		return s, err
	}
	if v, ok := b["metadata"]; ok {
		if s.metadata, err = stringMap("metadata", v); err != nil {
			return s, err
		}
	}
	if s.userData, _, err = parseUserData(b); err != nil {
		return s, err
	}
	if az, ok, err := b.str("availability_zone", false, true, 1, 255); err != nil {
		return s, err
	} else if ok {
		parts := strings.SplitN(az, ":", 3)
		s.zone = parts[0]
		if len(parts) > 1 {
			s.host = parts[1]
		}
		if len(parts) > 2 {
			s.node = parts[2]
		}
	}
	if err := requestedDestination(r, b, &s); err != nil { // 2.74, microversions_servers.go
		return s, err
	}
	minC, hasMin, err := b.intField("min_count", false, 1, 2147483647, true)
	if err != nil {
		return s, err
	}
	maxC, hasMax, err := b.intField("max_count", false, 1, 2147483647, true)
	if err != nil {
		return s, err
	}
	s.minCount, s.maxCount = 1, 1
	if hasMin {
		s.minCount = int(minC)
	}
	if hasMax {
		s.maxCount = int(maxC)
	} else {
		s.maxCount = s.minCount
	}
	if s.minCount > s.maxCount {
		return s, invalid("min_count must be <= max_count")
	}
	if err := requestedHostname(r, b, &s); err != nil { // 2.90, microversions_servers.go
		return s, err
	}
	if v, ok, err := b.boolField("return_reservation_id"); err != nil {
		return s, err
	} else if ok {
		s.returnReservation = v
	}
	if v, ok := b["config_drive"]; ok && v != "" && v != nil {
		x, err := parseBool("config_drive", v)
		if err != nil {
			return s, err
		}
		s.configDrive = x
	}
	if s.diskConfig, err = diskConfig(b); err != nil {
		return s, err
	}
	if s.adminPass, _, err = b.str("adminPass", false, false, 0, 0); err != nil {
		return s, err
	}
	if v, ok := b["tags"]; ok {
		list, isList := v.([]any)
		if !isList {
			return s, badField("tags", v, "%s is not of type 'array'", repr(v))
		}
		if len(list) > 50 {
			return s, badField("tags", v, "%s is too long", repr(v))
		}
		for _, t := range list {
			str, ok := t.(string)
			if !ok || str == "" || len([]rune(str)) > 60 || !tagPattern.MatchString(str) {
				return s, badField("tags", v, "%s is not a valid tag", repr(t))
			}
			s.tags = appendUnique(s.tags, str)
		}
	}
	if s.networks, err = parseNetworks(r, b); err != nil {
		return s, err
	}
	if s.accessIPs, err = accessIPs(b); err != nil {
		return s, err
	}
	if v, ok := b["security_groups"]; ok {
		// Names or ids (Horizon sends the default group's id); the
		// network service checks them and gives them to the ports. Only
		// "default" is the default.
		list, _ := v.([]any)
		for _, g := range list {
			m, _ := g.(map[string]any)
			if name, _ := m["name"].(string); name != "" && !slices.Contains(s.networks.SecurityGroups, name) {
				s.networks.SecurityGroups = append(s.networks.SecurityGroups, name)
			}
		}
		if len(s.networks.SecurityGroups) == 1 && s.networks.SecurityGroups[0] == "default" {
			s.networks.SecurityGroups = nil
		}
	}
	if s.trustedCerts, _, err = parseTrustedCerts(b); err != nil {
		return s, err
	}
	var rootImage string
	if s.bdms, rootImage, err = parseBDMv2(r, b, s.imageRef); err != nil {
		return s, err
	}
	if s.imageRef == "" {
		s.imageRef = rootImage
	}
	return s, nil
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// createServer is api-ref "Create Server".
func (a *API) createServer(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:servers:create", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	top, err := decodeBody(r, "")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := top.only("body", "server", "os:scheduler_hints", "OS-SCH-HNT:scheduler_hints"); err != nil {
		writeErr(w, r, err)
		return
	}
	inner, ok := top["server"].(map[string]any)
	if !ok {
		writeErr(w, r, badField("body", map[string]any(top), "'server' is a required property"))
		return
	}
	req, err := parseServer(r, body(inner))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if req.hints, err = parseSchedulerHints(top); err != nil {
		writeErr(w, r, err)
		return
	}
	resp, err := a.create(r, c, req)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if loc, ok := resp["_location"].(string); ok {
		w.Header().Set("Location", loc)
		delete(resp, "_location")
	}
	httpapi.WriteJSON(w, r, http.StatusAccepted, resp)
}

func (a *API) create(r *http.Request, c caller, req serverRequest) (map[string]any, error) {
	ctx := r.Context()
	if err := a.validateNetworks(r, c, req.networks); err != nil {
		return nil, err
	}
	// Placement constraints.
	if req.host != "" || req.node != "" {
		if err := a.can(c, "os_compute_api:servers:create:forced_host", nil); err != nil {
			return nil, err
		}
		if err := a.checkRequestedHost(r, req); err != nil { // 2.74, microversions_servers.go
			return nil, err
		}
	}
	zone := req.zone
	if zone == "" {
		zone = a.set.DefaultScheduleZone
	}
	if zone != "" {
		ok, err := a.zoneExists(r, zone)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, invalid("The requested availability zone is not available")
		}
	}
	group, err := a.requestedGroup(r, c, req.hints, req.minCount)
	if err != nil {
		return nil, err
	}
	// Flavor.
	flavor, err := a.flavorFor(r, c, req.flavorRef)
	if fault.KindOf(err) == fault.NotFound {
		return nil, invalid("Flavor %s could not be found.", req.flavorRef)
	}
	if err != nil {
		return nil, err
	}
	if flavor.Disabled {
		return nil, invalid("Flavor is disabled.")
	}
	// Image, or the volume the server boots from (bdm.go), also an
	// image's own mappings (a snapshot of a server booted from volume).
	if req.bdms, _, err = a.withImageBDMs(ctx, c, req.imageRef, req.bdms); err != nil {
		return nil, err
	}
	plan, err := a.planBoot(ctx, r, c, req.imageRef, req.bdms, flavor)
	if err != nil {
		return nil, err
	}
	img := plan.image
	if plan.fromVolume && len(req.trustedCerts) > 0 {
		return nil, trustedCertsForVolumeBoot()
	}
	if !plan.fromVolume {
		if img, err = a.images.Image(ctx, c.AuthToken, req.imageRef); fault.KindOf(err) == fault.NotFound {
			return nil, invalid("Image %s could not be found.", req.imageRef)
		}
		if err != nil {
			return nil, err
		}
		if err := a.checkImageFits(c, img, flavor); err != nil {
			return nil, err
		}
		if err := checkImageDiskConfig(req.diskConfig, img); err != nil {
			return nil, err
		}
	}
	// Metadata quota.
	if l := a.limitFor(r, c.ProjectID, "metadata_items"); l >= 0 && len(req.metadata) > l {
		return nil, fault.New(fault.OverLimit, "Quota exceeded for metadata_items: Requested %d, but already used 0 of %d metadata_items", len(req.metadata), l)
	}
	// Key pair.
	var keyData string
	if req.keyName != "" {
		k, err := a.store.GetKeyPair(ctx, c.UserID, req.keyName)
		if err != nil {
			return nil, invalid("Invalid key_name provided.")
		}
		keyData = k.PublicKey
	}
	limits, err := a.quotaLimits(r, c.ProjectID, true)
	if err != nil {
		return nil, err
	}
	reservation := "r-" + randomString(8, "abcdefghijklmnopqrstuvwxyz0123456789")
	sys := map[string]string{}
	for k, v := range img.Properties {
		sys["image_"+k] = v
	}
	sys["image_min_disk"] = fmt.Sprint(img.MinDisk)
	sys["image_min_ram"] = fmt.Sprint(img.MinRAM)
	sys["image_disk_format"] = img.DiskFormat
	sys["image_container_format"] = img.ContainerFormat
	sys["image_base_image_ref"] = img.ID
	for k, v := range req.accessIPs {
		sys[k] = v
	}
	sys[rpcapi.SysMetaKey] = req.networks.Encode()
	sys = withDiskConfig(sys, initialDiskConfig(req.diskConfig, img))
	if c := encodeTrustedCerts(req.trustedCerts); c != "" {
		sys[sysMetaTrustedCerts] = c
	}

	count := req.maxCount
	build := func(n int) []store.NewInstance {
		out := make([]store.NewInstance, n)
		for i := 0; i < n; i++ {
			name := req.name
			if n > 1 {
				name = fmt.Sprintf("%s-%d", req.name, i+1)
			}
			boot := 0
			var bdms []objects.BlockDeviceMapping
			imageRef := ""
			if !plan.fromVolume {
				imageRef = img.ID
				bdms = append(bdms, objects.BlockDeviceMapping{SourceType: objects.SourceImage, DestinationType: objects.DestinationLocal,
					BootIndex: &boot, ImageID: img.ID, DeviceType: "disk", DeleteOnTermination: true, VolumeSize: flavor.RootGB})
			}
			bdms = append(bdms, req.bdms...)
			out[i] = store.NewInstance{Instance: objects.Instance{
				UUID: uuid.NewString(), Name: name, Description: req.description, Hostname: hostnameFor(req, name),
				ProjectID: c.ProjectID, UserID: c.UserID, ImageRef: imageRef, Flavor: flavor,
				AvailabilityZone: zone, VMState: objects.VMBuilding, TaskState: objects.TaskScheduling,
				KeyName: req.keyName, KeyData: keyData, UserData: req.userData, ConfigDrive: req.configDrive,
				Metadata: req.metadata, SystemMetadata: sys, Tags: req.tags, LaunchIndex: i, ReservationID: reservation,
			}, BDMs: bdms}
		}
		return out
	}
	check := func(u store.Usage) (int, error) {
		allowed := count
		type res struct {
			name      string
			used, per int
		}
		for _, x := range []res{{"instances", u.Instances, 1}, {"cores", u.Cores, flavor.VCPUs}, {"ram", u.RAM, flavor.MemoryMB}} {
			l := limits[x.name]
			if l < 0 || x.per == 0 {
				continue
			}
			fit := (l - x.used) / x.per
			if fit < 0 {
				fit = 0
			}
			if fit < req.minCount {
				return 0, fault.New(fault.OverLimit, "Quota exceeded for %s: Requested %d, but already used %d of %d %s",
					x.name, req.minCount*x.per, x.used, l, x.name)
			}
			allowed = min(allowed, fit)
		}
		return allowed, nil
	}
	news := build(count)
	act := store.ActionStart{Action: objects.ActionCreate, RequestID: requestID(r), UserID: c.UserID, ProjectID: c.ProjectID}
	created, err := a.store.CreateInstances(ctx, news, act, check)
	if err != nil {
		return nil, err
	}
	if err := a.joinGroup(r, c, group, created); err != nil {
		return nil, err
	}
	msg := conductorapi.BuildInstances{Instances: created, Image: img, BlockDeviceMappings: map[string][]objects.BlockDeviceMapping{},
		AvailabilityZone: zone, ForceHost: req.host, ForceNode: req.node, RequestID: requestID(r)}
	bdms, err := a.store.BlockDeviceMappings(ctx, uuidsOf(created))
	if err != nil {
		return nil, err
	}
	msg.BlockDeviceMappings = bdms
	if err := a.conductor.BuildInstances(rpcCtx(r), msg); err != nil {
		a.failBuild(r, created, err)
		return nil, fault.Wrap(err, fault.Unavailable, "The build of the server could not be requested: the conductor is not reachable. The server is in ERROR; delete it and try again.")
	}
	if req.returnReservation {
		return map[string]any{"reservation_id": reservation}, nil
	}
	first := created[0]
	pass := req.adminPass
	if pass == "" {
		pass = randomString(12, "23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")
	}
	server := map[string]any{
		"id": first.UUID, "links": links(r, "servers", first.UUID), "OS-DCF:diskConfig": diskConfigOf(first),
		"security_groups": []map[string]string{{"name": "default"}},
	}
	if a.set.EnableInstancePassword {
		server["adminPass"] = pass
	}
	return map[string]any{"server": server, "_location": links(r, "servers", first.UUID)[0].Href}, nil
}

// failBuild puts instances whose build could not be requested in ERROR
// with a fault.
func (a *API) failBuild(r *http.Request, list []objects.Instance, cause error) {
	vm, none := objects.VMError, ""
	for _, in := range list {
		if _, err := a.store.UpdateInstance(r.Context(), in.UUID, store.InstanceUpdate{VMState: &vm, TaskState: &none}); err != nil {
			a.log.ErrorContext(r.Context(), "cannot mark instance in error", "instance", in.UUID, "error", err.Error())
		}
		_ = a.store.CreateFault(r.Context(), objects.Fault{InstanceUUID: in.UUID, Code: 500,
			Message: "Build of instance could not be requested: conductor unavailable", Details: cause.Error()})
	}
}

const gib = int64(1) << 30

// checkImageFits is nova's _validate_flavor_image_nostatus: the image is
// active, the flavor has the RAM and the disk it needs.
func (a *API) checkImageFits(c caller, img objects.ImageMeta, f objects.Flavor) error {
	if img.Status != "active" {
		return invalid("Image %s is not active.", img.ID)
	}
	if f.MemoryMB < img.MinRAM {
		return invalid("Flavor's memory is too small for requested image.")
	}
	if f.RootGB == 0 {
		if !a.allowed(c, "os_compute_api:servers:create:zero_disk_flavor", nil) {
			return fault.New(fault.Forbidden, "Only volume-backed servers are allowed for flavors with zero disk.")
		}
		return nil
	}
	size := img.Size
	if img.VirtualSize > 0 {
		size = img.VirtualSize
	}
	flavorBytes := int64(f.RootGB) * gib
	if size > flavorBytes {
		return invalid("Flavor's disk is too small for requested image. Flavor disk is %d bytes, image is %d bytes.", flavorBytes, size)
	}
	if int64(img.MinDisk) > int64(f.RootGB) {
		return invalid("Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is %d bytes, minimum size is %d bytes.",
			flavorBytes, int64(img.MinDisk)*gib)
	}
	return nil
}

var hostnameUnsafe = regexp.MustCompile(`[^\w.-]+`)

// hostnameOf is nova's sanitize_hostname.
func hostnameOf(name string) string {
	h := strings.ToLower(name)
	h = strings.ReplaceAll(h, " ", "-")
	h = strings.ReplaceAll(h, "_", "-")
	h = hostnameUnsafe.ReplaceAllString(h, "")
	h = strings.Trim(h, ".-")
	if len(h) > 63 {
		h = strings.Trim(h[:63], ".-")
	}
	if h == "" {
		h = "server"
	}
	return h
}

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		x, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b[i] = alphabet[x.Int64()]
	}
	return string(b)
}

func uuidsOf(list []objects.Instance) []string {
	out := make([]string, len(list))
	for i, in := range list {
		out[i] = in.UUID
	}
	return out
}

func requestID(r *http.Request) string { return httpapi.RequestID(r.Context()) }
