package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gostack/gostack/compute/api"
	computepolicy "github.com/gostack/gostack/compute/policy"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/compute/volumeapi"
	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/services/testenv"
)

// The deprecated volume proxy (os-volumes, os-snapshots) over an
// in-memory Cinder: each token (the caller's, "tok-<project>") sees its
// project's volumes only, as Cinder does.

type memCinder struct {
	mu    sync.Mutex
	seq   int
	vols  []volumeapi.VolumeDetail
	snaps []volumeapi.SnapshotDetail
	owner map[string]string // volume or snapshot id -> token
	// creates are the create requests as Cinder got them.
	creates []volumeapi.CreateRequest
	snapReq []volumeapi.SnapshotRequest
}

func newMemCinder() *memCinder { return &memCinder{owner: map[string]string{}} }

func (m *memCinder) nextID(kind string) string {
	m.seq++
	return fmt.Sprintf("%08d-0000-4000-8000-%012d", m.seq, map[string]int{"vol": 1, "snap": 2}[kind])
}

func strp(s string) *string { return &s }

func (m *memCinder) volume(token, id string) (int, error) {
	for i, v := range m.vols {
		if v.ID == id && m.owner[id] == token {
			return i, nil
		}
	}
	return -1, fault.New(fault.NotFound, "Volume %s could not be found.", id)
}

func (m *memCinder) snapshot(token, id string) (int, error) {
	for i, s := range m.snaps {
		if s.ID == id && m.owner[id] == token {
			return i, nil
		}
	}
	return -1, fault.New(fault.NotFound, "Snapshot %s could not be found.", id)
}

func (m *memCinder) Get(_ context.Context, token, id string) (volumeapi.Volume, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.volume(token, id)
	if err != nil {
		return volumeapi.Volume{}, err
	}
	v := m.vols[i]
	return volumeapi.Volume{ID: v.ID, Status: v.Status, Size: v.Size}, nil
}

func (m *memCinder) GetSnapshot(_ context.Context, token, id string) (volumeapi.Snapshot, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.snapshot(token, id)
	if err != nil {
		return volumeapi.Snapshot{}, err
	}
	s := m.snaps[i]
	return volumeapi.Snapshot{ID: s.ID, Status: s.Status, Size: s.Size, VolumeID: s.VolumeID}, nil
}

func (m *memCinder) AttachmentCreate(context.Context, string, string, string) (volumeapi.Attachment, error) {
	return volumeapi.Attachment{}, fault.New(fault.NotImplemented, "no attachments here")
}
func (m *memCinder) AttachmentComplete(context.Context, string, string) error { return nil }
func (m *memCinder) AttachmentDelete(context.Context, string, string) error   { return nil }

func (m *memCinder) ListVolumes(_ context.Context, token string) ([]volumeapi.VolumeDetail, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []volumeapi.VolumeDetail
	for _, v := range m.vols {
		if m.owner[v.ID] == token {
			out = append(out, v)
		}
	}
	return out, nil
}

func (m *memCinder) ShowVolume(_ context.Context, token, id string) (volumeapi.VolumeDetail, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.volume(token, id)
	if err != nil {
		return volumeapi.VolumeDetail{}, err
	}
	return m.vols[i], nil
}

func (m *memCinder) CreateVolume(_ context.Context, token string, req volumeapi.CreateRequest) (volumeapi.VolumeDetail, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.creates = append(m.creates, req)
	if req.VolumeType == "nope" {
		return volumeapi.VolumeDetail{}, fault.New(fault.NotFound, "Volume type with name nope could not be found.")
	}
	if req.Size > 100 {
		return volumeapi.VolumeDetail{}, fault.New(fault.OverLimit, "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota.")
	}
	v := volumeapi.VolumeDetail{ID: m.nextID("vol"), Status: "available", Size: req.Size, AvailabilityZone: "nova",
		CreatedAt: time.Date(2024, 5, 1, 10, 0, m.seq, 0, time.UTC).Format("2006-01-02T15:04:05.000000"),
		Metadata:  req.Metadata, VolumeType: strp("__DEFAULT__")}
	if req.AvailabilityZone != "" {
		v.AvailabilityZone = req.AvailabilityZone
	}
	if req.Name != "" {
		v.Name = strp(req.Name)
	}
	if req.Description != "" {
		v.Description = strp(req.Description)
	}
	if req.SnapshotID != "" {
		v.SnapshotID = strp(req.SnapshotID)
	}
	m.vols = append(m.vols, v)
	m.owner[v.ID] = token
	return v, nil
}

func (m *memCinder) RemoveVolume(_ context.Context, token, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.volume(token, id)
	if err != nil {
		return err
	}
	if len(m.vols[i].Attachments) > 0 {
		return fault.New(fault.Invalid, "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.")
	}
	m.vols = append(m.vols[:i], m.vols[i+1:]...)
	return nil
}

func (m *memCinder) ListSnapshots(_ context.Context, token string) ([]volumeapi.SnapshotDetail, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []volumeapi.SnapshotDetail
	for _, s := range m.snaps {
		if m.owner[s.ID] == token {
			out = append(out, s)
		}
	}
	return out, nil
}

func (m *memCinder) ShowSnapshot(_ context.Context, token, id string) (volumeapi.SnapshotDetail, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.snapshot(token, id)
	if err != nil {
		return volumeapi.SnapshotDetail{}, err
	}
	return m.snaps[i], nil
}

func (m *memCinder) NewSnapshot(_ context.Context, token string, req volumeapi.SnapshotRequest) (volumeapi.SnapshotDetail, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.snapReq = append(m.snapReq, req)
	i, err := m.volume(token, req.VolumeID)
	if err != nil {
		return volumeapi.SnapshotDetail{}, err
	}
	if len(m.vols[i].Attachments) > 0 && !req.Force {
		return volumeapi.SnapshotDetail{}, fault.New(fault.Invalid, "Invalid volume: Volume %s status must be available, but current status is: in-use.", req.VolumeID)
	}
	s := volumeapi.SnapshotDetail{ID: m.nextID("snap"), Status: "creating", Size: m.vols[i].Size, VolumeID: req.VolumeID,
		CreatedAt: time.Date(2024, 5, 2, 10, 0, m.seq, 0, time.UTC).Format("2006-01-02T15:04:05.000000"),
		Name:      req.Name, Description: req.Description}
	m.snaps = append(m.snaps, s)
	m.owner[s.ID] = token
	return s, nil
}

func (m *memCinder) RemoveSnapshot(_ context.Context, token, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.snapshot(token, id)
	if err != nil {
		return err
	}
	m.snaps = append(m.snaps[:i], m.snaps[i+1:]...)
	return nil
}

var _ api.Volumes = (*memCinder)(nil)

// newVolumeProxyNova is newNova with the in-memory Cinder.
func newVolumeProxyNova(t *testing.T, vols api.Volumes) *nova {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := migrations.Sync(ctx, pool, "nova"); err != nil {
		t.Fatal(err)
	}
	enforcer, err := policy.New(computepolicy.Defaults(), nil, policy.Options{DeniedFormat: computepolicy.DeniedFormat, EnforceNewDefaults: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	st := store.New(pool)
	svcs := servicegroup.NewStore(pool)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := api.New(api.Deps{Store: st, Services: svcs, Nodes: placement.NewStore(pool), Conductor: rec, Compute: rec,
		Images: images{imgID: {ID: imgID, Name: "tiny", Status: "active", Size: 24 << 20, DiskFormat: "raw", ContainerFormat: "bare"}},
		Policy: enforcer, Log: quiet})
	if vols != nil {
		a.SetVolumes(vols)
	}
	srv := httptest.NewServer(a.Handler(httpapi.Config{Logger: quiet}, injectCaller))
	t.Cleanup(srv.Close)
	return &nova{t: t, srv: srv, store: st, svcs: svcs, rec: rec}
}

// Tempest's response schemas (api_schema/response/compute/v2_1/volumes.py
// and snapshots.py): exactly these keys, with these types.
var (
	volumeViewKeys = []string{"attachments", "availabilityZone", "createdAt", "displayDescription", "displayName",
		"id", "metadata", "size", "snapshotId", "status", "volumeType"}
	snapshotViewKeys = []string{"createdAt", "displayDescription", "displayName", "id", "size", "status", "volumeId"}
)

func keysOf(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func checkDateTime(t *testing.T, what string, v any) {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Errorf("%s createdAt %v is not a string", what, v)
		return
	}
	if _, err := time.Parse("2006-01-02T15:04:05.999999", s); err != nil {
		t.Errorf("%s createdAt %q is not a date-time: %v", what, s, err)
	}
}

func stringOrNull(v any) bool {
	_, ok := v.(string)
	return ok || v == nil
}

func checkVolumeView(t *testing.T, v map[string]any) {
	t.Helper()
	if got := strings.Join(keysOf(v), ","); got != strings.Join(volumeViewKeys, ",") {
		t.Errorf("volume keys %s, want %s", got, strings.Join(volumeViewKeys, ","))
	}
	for _, k := range []string{"id", "status", "availabilityZone"} {
		if _, ok := v[k].(string); !ok {
			t.Errorf("volume %s %v is not a string", k, v[k])
		}
	}
	for _, k := range []string{"displayName", "displayDescription", "volumeType", "snapshotId"} {
		if !stringOrNull(v[k]) {
			t.Errorf("volume %s %v is not a string or null", k, v[k])
		}
	}
	if n, ok := v["size"].(float64); !ok || n != float64(int(n)) {
		t.Errorf("volume size %v is not an integer", v["size"])
	}
	if _, ok := v["metadata"].(map[string]any); !ok {
		t.Errorf("volume metadata %v is not an object", v["metadata"])
	}
	checkDateTime(t, "volume", v["createdAt"])
	atts, ok := v["attachments"].([]any)
	if !ok {
		t.Fatalf("volume attachments %v is not an array", v["attachments"])
	}
	for _, a := range atts {
		am, ok := a.(map[string]any)
		if !ok {
			t.Fatalf("attachment %v is not an object", a)
		}
		for k, x := range am {
			switch k {
			case "id", "device", "volumeId", "serverId":
				if _, ok := x.(string); !ok {
					t.Errorf("attachment %s %v is not a string", k, x)
				}
			default:
				t.Errorf("attachment has %s", k)
			}
		}
	}
}

func checkSnapshotView(t *testing.T, s map[string]any) {
	t.Helper()
	if got := strings.Join(keysOf(s), ","); got != strings.Join(snapshotViewKeys, ",") {
		t.Errorf("snapshot keys %s, want %s", got, strings.Join(snapshotViewKeys, ","))
	}
	for _, k := range []string{"id", "status", "volumeId"} {
		if _, ok := s[k].(string); !ok {
			t.Errorf("snapshot %s %v is not a string", k, s[k])
		}
	}
	for _, k := range []string{"displayName", "displayDescription"} {
		if !stringOrNull(s[k]) {
			t.Errorf("snapshot %s %v is not a string or null", k, s[k])
		}
	}
	if _, ok := s["size"].(float64); !ok {
		t.Errorf("snapshot size %v is not an integer", s["size"])
	}
	checkDateTime(t, "snapshot", s["createdAt"])
}

func listOf(t *testing.T, r resp, key string) []map[string]any {
	t.Helper()
	if keys := keysOf(r.body); len(keys) != 1 || keys[0] != key {
		t.Fatalf("list body keys %v, want [%s]: %s", keys, key, r.raw)
	}
	raw, ok := r.body[key].([]any)
	if !ok {
		t.Fatalf("no list %q: %s", key, r.raw)
	}
	out := make([]map[string]any, len(raw))
	for i, x := range raw {
		out[i] = x.(map[string]any)
	}
	return out
}

func idsOf(list []map[string]any) []string {
	var ids []string
	for _, m := range list {
		ids = append(ids, m["id"].(string))
	}
	return ids
}

func wantError(t *testing.T, what string, r resp, status int, key, msg string) {
	t.Helper()
	want(t, what, r, status)
	f, ok := r.body[key].(map[string]any)
	if !ok {
		t.Fatalf("%s: no %s fault: %s", what, key, r.raw)
	}
	if f["message"] != msg {
		t.Errorf("%s: message %q, want %q", what, f["message"], msg)
	}
}

func TestVolumeProxyVolumes(t *testing.T) {
	cinder := newMemCinder()
	n := newVolumeProxyNova(t, cinder)
	const v = "2.35"

	// Create, as tempest's create_volume does.
	r := n.do(alice, memberR, v, "POST", "/v2.1/os-volumes", map[string]any{"volume": map[string]any{
		"size": 1, "display_name": "vol-1", "metadata": map[string]any{"Type": "work"}}})
	want(t, "create", r, 200)
	vol := obj(t, r.body, "volume")
	checkVolumeView(t, vol)
	id := vol["id"].(string)
	if vol["displayName"] != "vol-1" || vol["size"] != 1.0 || vol["displayDescription"] != nil || vol["snapshotId"] != nil ||
		vol["volumeType"] != "__DEFAULT__" || vol["availabilityZone"] != "nova" {
		t.Errorf("create view: %s", r.raw)
	}
	if md := vol["metadata"].(map[string]any); md["Type"] != "work" || len(md) != 1 {
		t.Errorf("metadata: %v", md)
	}
	if atts := vol["attachments"].([]any); len(atts) != 1 || len(atts[0].(map[string]any)) != 0 {
		t.Errorf("attachments of a detached volume are [{}]: %v", atts)
	}
	if loc := r.header.Get("Location"); !strings.HasSuffix(loc, "/v2.1/os-volumes/"+id) {
		t.Errorf("Location %q", loc)
	}
	if got := cinder.creates[0]; got.Size != 1 || got.Name != "vol-1" || got.Description != "" || got.Metadata["Type"] != "work" {
		t.Errorf("Cinder got %+v", got)
	}
	if got := cinder.owner[id]; got != "tok-"+alice {
		t.Errorf("created with token %q, not the caller's", got)
	}

	// A size given as a string, every optional field, from 2.1.
	r = n.do(alice, memberR, "2.1", "POST", "/v2.1/os-volumes", map[string]any{"volume": map[string]any{
		"size": "2", "display_name": "vol-2", "display_description": "second", "volume_type": "lvm",
		"availability_zone": "az1"}})
	want(t, "create with a string size", r, 200)
	vol2 := obj(t, r.body, "volume")
	checkVolumeView(t, vol2)
	if vol2["size"] != 2.0 || vol2["displayDescription"] != "second" || vol2["availabilityZone"] != "az1" {
		t.Errorf("create 2: %s", r.raw)
	}
	if got := cinder.creates[1]; got.VolumeType != "lvm" || got.AvailabilityZone != "az1" {
		t.Errorf("Cinder got %+v", got)
	}
	r = n.do(alice, memberR, v, "POST", "/v2.1/os-volumes", map[string]any{"volume": map[string]any{"size": 1}})
	want(t, "create 3", r, 200)
	vol3 := obj(t, r.body, "volume")
	if vol3["displayName"] != nil {
		t.Errorf("no name is null: %s", r.raw)
	}
	ids := []string{id, vol2["id"].(string), vol3["id"].(string)}

	// Show equals the list entries (tempest compares them whole).
	r = n.do(alice, "reader", v, "GET", "/v2.1/os-volumes/"+id, nil)
	want(t, "show", r, 200)
	if keys := keysOf(r.body); len(keys) != 1 || keys[0] != "volume" {
		t.Errorf("show body: %s", r.raw)
	}
	shown := obj(t, r.body, "volume")
	checkVolumeView(t, shown)
	for _, path := range []string{"/v2.1/os-volumes", "/v2.1/os-volumes/detail"} {
		r = n.do(alice, "reader", v, "GET", path, nil)
		want(t, path, r, 200)
		list := listOf(t, r, "volumes")
		if got := strings.Join(idsOf(list), ","); got != strings.Join(ids, ",") {
			t.Errorf("%s: ids %s, want %s", path, got, strings.Join(ids, ","))
		}
		for _, x := range list {
			checkVolumeView(t, x)
		}
		if fmt.Sprint(list[0]) != fmt.Sprint(shown) {
			t.Errorf("%s: entry %v differs from show %v", path, list[0], shown)
		}

		// Paging: nova's common.limited.
		list = listOf(t, n.do(alice, "reader", v, "GET", path+"?limit=2", nil), "volumes")
		if got := strings.Join(idsOf(list), ","); got != strings.Join(ids[:2], ",") {
			t.Errorf("%s limit=2: %s", path, got)
		}
		list = listOf(t, n.do(alice, "reader", v, "GET", path+"?offset=1&limit=1", nil), "volumes")
		if got := strings.Join(idsOf(list), ","); got != ids[1] {
			t.Errorf("%s offset=1&limit=1: %s", path, got)
		}
		list = listOf(t, n.do(alice, "reader", v, "GET", path+"?offset=2&limit=0", nil), "volumes")
		if got := strings.Join(idsOf(list), ","); got != ids[2] {
			t.Errorf("%s offset=2&limit=0 (limit 0 is max_limit): %s", path, got)
		}
		list = listOf(t, n.do(alice, "reader", v, "GET", path+"?offset=7", nil), "volumes")
		if len(list) != 0 {
			t.Errorf("%s offset past the end: %v", path, list)
		}
		wantError(t, path+" limit=-1", n.do(alice, "reader", v, "GET", path+"?limit=-1", nil), 400, "badRequest",
			"Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'")
		wantError(t, path+" offset=x", n.do(alice, "reader", v, "GET", path+"?offset=x", nil), 400, "badRequest",
			"Invalid input for query parameters offset. Value: x. 'x' does not match '^[0-9]*$'")
	}
	// Another project sees none of them.
	if list := listOf(t, n.do(bob, memberR, v, "GET", "/v2.1/os-volumes", nil), "volumes"); len(list) != 0 {
		t.Errorf("bob sees %v", idsOf(list))
	}
	wantError(t, "bob shows alice's", n.do(bob, memberR, v, "GET", "/v2.1/os-volumes/"+id, nil), 404, "itemNotFound",
		"Volume "+id+" could not be found.")

	// Unknown ids, empty ids.
	const missing = "99999999-9999-4999-8999-999999999999"
	wantError(t, "show unknown", n.do(alice, memberR, v, "GET", "/v2.1/os-volumes/"+missing, nil), 404, "itemNotFound",
		"Volume "+missing+" could not be found.")
	wantError(t, "delete unknown", n.do(alice, memberR, v, "DELETE", "/v2.1/os-volumes/"+missing, nil), 404, "itemNotFound",
		"Volume "+missing+" could not be found.")
	wantError(t, "delete invalid", n.do(alice, memberR, v, "DELETE", "/v2.1/os-volumes/invalid-x", nil), 404, "itemNotFound",
		"Volume invalid-x could not be found.")
	want(t, "show ''", n.do(alice, memberR, v, "GET", "/v2.1/os-volumes/", nil), 404)
	want(t, "delete ''", n.do(alice, memberR, v, "DELETE", "/v2.1/os-volumes/", nil), 404)

	// Bad bodies: nova's create schema.
	bad := []struct {
		body map[string]any
		msg  string
	}{
		{map[string]any{"size": "#$%", "display_name": "x", "metadata": map[string]any{"Type": "work"}},
			"Invalid input for field/attribute size. Value: #$%. '#$%' does not match '^[0-9]+$'"},
		{map[string]any{"size": "", "display_name": "x"}, "Invalid input for field/attribute size. Value: . '' does not match '^[0-9]+$'"},
		{map[string]any{"size": 0}, "Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1"},
		{map[string]any{"size": 1.5}, "Invalid input for field/attribute size. Value: 1.5. 1.5 is not of type 'integer', 'string'"},
		{map[string]any{"display_name": "x"}, "Invalid input for field/attribute volume. Value: {'display_name': 'x'}. 'size' is a required property"},
		{map[string]any{"size": 1, "imageRef": imgID},
			"Invalid input for field/attribute volume. Value: {'imageRef': '" + imgID + "', 'size': 1}. Additional properties are not allowed ('imageRef' was unexpected)"},
		{map[string]any{"size": 1, "display_name": 5}, "Invalid input for field/attribute display_name. Value: 5. 5 is not of type 'string'"},
		{map[string]any{"size": 1, "metadata": "x"}, "Invalid input for field/attribute metadata. Value: x. 'x' is not of type 'object'"},
	}
	for _, b := range bad {
		r = n.do(alice, memberR, v, "POST", "/v2.1/os-volumes", map[string]any{"volume": b.body})
		want(t, fmt.Sprint("create ", b.body), r, 400)
		if msg := obj(t, r.body, "badRequest")["message"]; msg != b.msg {
			t.Errorf("create %v: %q, want %q", b.body, msg, b.msg)
		}
	}
	// Size "0" passes the schema; Cinder refuses it.
	want(t, "size '0'", n.do(alice, memberR, v, "POST", "/v2.1/os-volumes", map[string]any{"volume": map[string]any{"size": "0"}}), 400)
	wantError(t, "no volume key", n.do(alice, memberR, v, "POST", "/v2.1/os-volumes", map[string]any{"size": 1}), 400, "badRequest",
		"Invalid input for field/attribute body. Value: {'size': 1}. 'volume' is a required property")
	// Cinder's refusals: an unknown type (404), quota (403).
	wantError(t, "unknown type", n.do(alice, memberR, v, "POST", "/v2.1/os-volumes", map[string]any{"volume": map[string]any{"size": 1, "volume_type": "nope"}}),
		404, "itemNotFound", "Volume type with name nope could not be found.")
	want(t, "over quota", n.do(alice, memberR, v, "POST", "/v2.1/os-volumes", map[string]any{"volume": map[string]any{"size": 1000}}), 403)
	wantError(t, "unknown snapshot", n.do(alice, memberR, v, "POST", "/v2.1/os-volumes", map[string]any{"volume": map[string]any{"size": 1, "snapshot_id": missing}}),
		404, "itemNotFound", "Snapshot "+missing+" could not be found.")

	// Policy: readers may not create or delete.
	wantError(t, "reader create", n.do(alice, "reader", v, "POST", "/v2.1/os-volumes", map[string]any{"volume": map[string]any{"size": 1}}),
		403, "forbidden", "Policy doesn't allow os_compute_api:os-volumes:create to be performed.")
	want(t, "reader delete", n.do(alice, "reader", v, "DELETE", "/v2.1/os-volumes/"+id, nil), 403)

	// An attached volume: its first attachment, Cinder's 400 on delete.
	cinder.mu.Lock()
	cinder.vols[0].Attachments = []volumeapi.VolumeAttachment{{ServerID: "srv-1", AttachmentID: "att-1", Device: "/dev/vdb"}}
	cinder.vols[0].Status = "in-use"
	cinder.mu.Unlock()
	r = n.do(alice, memberR, v, "GET", "/v2.1/os-volumes/"+id, nil)
	checkVolumeView(t, obj(t, r.body, "volume"))
	atts := obj(t, r.body, "volume")["attachments"].([]any)
	if a := atts[0].(map[string]any); len(atts) != 1 || a["id"] != id || a["volumeId"] != id || a["serverId"] != "srv-1" || a["device"] != "/dev/vdb" {
		t.Errorf("attachments: %v", atts)
	}
	r = n.do(alice, memberR, v, "DELETE", "/v2.1/os-volumes/"+id, nil)
	want(t, "delete attached", r, 400)
	if msg := obj(t, r.body, "badRequest")["message"].(string); !strings.HasPrefix(msg, "Invalid input received: Invalid volume:") {
		t.Errorf("delete attached: %q", msg)
	}

	// Delete: 202, then 404.
	r = n.do(alice, memberR, v, "DELETE", "/v2.1/os-volumes/"+ids[1], nil)
	want(t, "delete", r, 202)
	if len(r.raw) != 0 {
		t.Errorf("delete body: %s", r.raw)
	}
	want(t, "show deleted", n.do(alice, memberR, v, "GET", "/v2.1/os-volumes/"+ids[1], nil), 404)

	// Gone from 2.36.
	for _, c := range []struct{ method, path string }{
		{"GET", "/v2.1/os-volumes"}, {"GET", "/v2.1/os-volumes/detail"}, {"GET", "/v2.1/os-volumes/" + id},
		{"POST", "/v2.1/os-volumes"}, {"DELETE", "/v2.1/os-volumes/" + id},
	} {
		wantError(t, c.method+" "+c.path+" at 2.36", n.do(alice, memberR, "2.36", c.method, c.path, map[string]any{"volume": map[string]any{"size": 1}}),
			404, "itemNotFound", "The resource could not be found.")
	}
	want(t, "latest", n.do(alice, memberR, "latest", "GET", "/v2.1/os-volumes", nil), 404)
	// No version header is 2.1.
	want(t, "no version", n.do(alice, memberR, "", "GET", "/v2.1/os-volumes", nil), 200)
}

func TestVolumeProxySnapshots(t *testing.T) {
	cinder := newMemCinder()
	n := newVolumeProxyNova(t, cinder)
	const v = "2.35"
	r := n.do(alice, memberR, v, "POST", "/v2.1/os-volumes", map[string]any{"volume": map[string]any{"size": 3}})
	want(t, "create volume", r, 200)
	volID := obj(t, r.body, "volume")["id"].(string)

	// Create, as tempest's test_volume_snapshot_create_get_list_delete.
	r = n.do(alice, memberR, v, "POST", "/v2.1/os-snapshots", map[string]any{"snapshot": map[string]any{
		"volume_id": volID, "display_name": "snap-1"}})
	want(t, "create snapshot", r, 200)
	if keys := keysOf(r.body); len(keys) != 1 || keys[0] != "snapshot" {
		t.Errorf("create body: %s", r.raw)
	}
	snap := obj(t, r.body, "snapshot")
	checkSnapshotView(t, snap)
	sid := snap["id"].(string)
	if snap["volumeId"] != volID || snap["displayName"] != "snap-1" || snap["displayDescription"] != nil || snap["size"] != 3.0 {
		t.Errorf("create view: %s", r.raw)
	}
	if got := cinder.snapReq[0]; got.Force || got.Name == nil || *got.Name != "snap-1" || got.Description != nil {
		t.Errorf("Cinder got %+v", got)
	}
	// force, as a string: nova's boolean.
	r = n.do(alice, memberR, "2.1", "POST", "/v2.1/os-snapshots", map[string]any{"snapshot": map[string]any{
		"volume_id": volID, "force": "True", "display_description": "d"}})
	want(t, "create forced", r, 200)
	snap2 := obj(t, r.body, "snapshot")
	checkSnapshotView(t, snap2)
	if got := cinder.snapReq[1]; !got.Force || got.Description == nil || *got.Description != "d" {
		t.Errorf("Cinder got %+v", got)
	}
	sids := []string{sid, snap2["id"].(string)}

	r = n.do(alice, "reader", v, "GET", "/v2.1/os-snapshots/"+sid, nil)
	want(t, "show", r, 200)
	shown := obj(t, r.body, "snapshot")
	checkSnapshotView(t, shown)
	if shown["displayName"] != "snap-1" || shown["volumeId"] != volID {
		t.Errorf("show: %s", r.raw)
	}
	for _, path := range []string{"/v2.1/os-snapshots", "/v2.1/os-snapshots/detail"} {
		r = n.do(alice, "reader", v, "GET", path, nil)
		want(t, path, r, 200)
		list := listOf(t, r, "snapshots")
		if got := strings.Join(idsOf(list), ","); got != strings.Join(sids, ",") {
			t.Errorf("%s: %s", path, got)
		}
		for _, x := range list {
			checkSnapshotView(t, x)
		}
		if fmt.Sprint(list[0]) != fmt.Sprint(shown) {
			t.Errorf("%s: entry %v differs from show %v", path, list[0], shown)
		}
		list = listOf(t, n.do(alice, "reader", v, "GET", path+"?offset=1&limit=1", nil), "snapshots")
		if got := strings.Join(idsOf(list), ","); got != sids[1] {
			t.Errorf("%s offset=1&limit=1: %s", path, got)
		}
	}
	if list := listOf(t, n.do(bob, memberR, v, "GET", "/v2.1/os-snapshots/detail", nil), "snapshots"); len(list) != 0 {
		t.Errorf("bob sees %v", idsOf(list))
	}

	// A volume built from a snapshot names it.
	r = n.do(alice, memberR, v, "POST", "/v2.1/os-volumes", map[string]any{"volume": map[string]any{"size": 3, "snapshot_id": sid}})
	want(t, "volume from snapshot", r, 200)
	if obj(t, r.body, "volume")["snapshotId"] != sid {
		t.Errorf("snapshotId: %s", r.raw)
	}

	// Errors.
	const missing = "99999999-9999-4999-8999-999999999999"
	wantError(t, "show unknown", n.do(alice, memberR, v, "GET", "/v2.1/os-snapshots/"+missing, nil), 404, "itemNotFound",
		"Snapshot "+missing+" could not be found.")
	wantError(t, "delete unknown", n.do(alice, memberR, v, "DELETE", "/v2.1/os-snapshots/"+missing, nil), 404, "itemNotFound",
		"Snapshot "+missing+" could not be found.")
	wantError(t, "snapshot of an unknown volume", n.do(alice, memberR, v, "POST", "/v2.1/os-snapshots",
		map[string]any{"snapshot": map[string]any{"volume_id": missing}}), 404, "itemNotFound", "Volume "+missing+" could not be found.")
	want(t, "show ''", n.do(alice, memberR, v, "GET", "/v2.1/os-snapshots/", nil), 404)
	bad := []struct {
		body map[string]any
		msg  string
	}{
		{map[string]any{"display_name": "x"}, "Invalid input for field/attribute snapshot. Value: {'display_name': 'x'}. 'volume_id' is a required property"},
		{map[string]any{"volume_id": 5}, "Invalid input for field/attribute volume_id. Value: 5. 5 is not of type 'string'"},
		{map[string]any{"volume_id": volID, "name": "x"},
			"Invalid input for field/attribute snapshot. Value: {'name': 'x', 'volume_id': '" + volID + "'}. Additional properties are not allowed ('name' was unexpected)"},
	}
	for _, b := range bad {
		r = n.do(alice, memberR, v, "POST", "/v2.1/os-snapshots", map[string]any{"snapshot": b.body})
		want(t, fmt.Sprint("create ", b.body), r, 400)
		if msg := obj(t, r.body, "badRequest")["message"]; msg != b.msg {
			t.Errorf("create %v: %q, want %q", b.body, msg, b.msg)
		}
	}
	want(t, "bad force", n.do(alice, memberR, v, "POST", "/v2.1/os-snapshots",
		map[string]any{"snapshot": map[string]any{"volume_id": volID, "force": "maybe"}}), 400)
	// An in-use volume needs force (Cinder's 400).
	cinder.mu.Lock()
	cinder.vols[0].Attachments = []volumeapi.VolumeAttachment{{ServerID: "srv-1"}}
	cinder.mu.Unlock()
	want(t, "in-use without force", n.do(alice, memberR, v, "POST", "/v2.1/os-snapshots",
		map[string]any{"snapshot": map[string]any{"volume_id": volID}}), 400)
	r = n.do(alice, memberR, v, "GET", "/v2.1/os-volumes/"+volID, nil)
	if a := obj(t, r.body, "volume")["attachments"].([]any)[0].(map[string]any); len(a) != 3 {
		t.Errorf("an attachment without a device has no device key: %v", a)
	}
	wantError(t, "reader create", n.do(alice, "reader", v, "POST", "/v2.1/os-snapshots", map[string]any{"snapshot": map[string]any{"volume_id": volID}}),
		403, "forbidden", "Policy doesn't allow os_compute_api:os-volumes:snapshots:create to be performed.")
	want(t, "reader delete", n.do(alice, "reader", v, "DELETE", "/v2.1/os-snapshots/"+sid, nil), 403)

	// Delete: 202, then gone.
	r = n.do(alice, memberR, v, "DELETE", "/v2.1/os-snapshots/"+sid, nil)
	want(t, "delete", r, 202)
	want(t, "show deleted", n.do(alice, memberR, v, "GET", "/v2.1/os-snapshots/"+sid, nil), 404)

	// Gone from 2.36.
	for _, c := range []struct{ method, path string }{
		{"GET", "/v2.1/os-snapshots"}, {"GET", "/v2.1/os-snapshots/detail"}, {"GET", "/v2.1/os-snapshots/" + sids[1]},
		{"POST", "/v2.1/os-snapshots"}, {"DELETE", "/v2.1/os-snapshots/" + sids[1]},
	} {
		wantError(t, c.method+" "+c.path+" at 2.36", n.do(alice, memberR, "2.36", c.method, c.path, map[string]any{"snapshot": map[string]any{"volume_id": volID}}),
			404, "itemNotFound", "The resource could not be found.")
	}
	// The snapshot survived the 2.36 delete.
	want(t, "show after 2.36 delete", n.do(alice, memberR, v, "GET", "/v2.1/os-snapshots/"+sids[1], nil), 200)
}

// Without a block storage service the proxy is refused, after the
// version and the policy.
func TestVolumeProxyWithoutCinder(t *testing.T) {
	n := newVolumeProxyNova(t, nil)
	want(t, "list", n.do(alice, memberR, "2.35", "GET", "/v2.1/os-volumes", nil), 501)
	want(t, "snapshots", n.do(alice, memberR, "2.35", "GET", "/v2.1/os-snapshots/detail", nil), 501)
	want(t, "2.36", n.do(alice, memberR, "2.36", "GET", "/v2.1/os-volumes", nil), 404)
	want(t, "no roles", n.do(alice, "", "2.35", "GET", "/v2.1/os-volumes", nil), 403)
}
