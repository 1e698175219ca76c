package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/testenv"
)

// session is an admin token and the volume endpoint of the dev cloud.
type session struct {
	t       testing.TB
	token   string
	project string
	base    string // http://host:8776/v3/<project>
}

func adminSession(t testing.TB) *session {
	t.Helper()
	rc := testenv.OpenRC(t)
	body := fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"domain":{"name":%q},"password":%q}}},
		"scope":{"project":{"name":%q,"domain":{"name":%q}}}}}`, rc["OS_USERNAME"], rc["OS_USER_DOMAIN_NAME"],
		rc["OS_PASSWORD"], rc["OS_PROJECT_NAME"], rc["OS_PROJECT_DOMAIN_NAME"])
	resp, err := http.Post(strings.TrimRight(rc["OS_AUTH_URL"], "/")+"/auth/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("keystone: %v", err)
	}
	defer resp.Body.Close()
	var tok struct {
		Token struct {
			Project struct{ ID string } `json:"project"`
			Catalog []struct {
				Type      string `json:"type"`
				Endpoints []struct{ Interface, URL string }
			} `json:"catalog"`
		} `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != 201 {
		t.Fatalf("keystone token: %d %v", resp.StatusCode, err)
	}
	s := &session{t: t, token: resp.Header.Get("X-Subject-Token"), project: tok.Token.Project.ID}
	for _, svc := range tok.Token.Catalog {
		if svc.Type == "volumev3" {
			for _, e := range svc.Endpoints {
				if e.Interface == "public" {
					s.base = strings.TrimRight(e.URL, "/")
					if !strings.HasSuffix(s.base, "/"+s.project) {
						s.base += "/" + s.project
					}
				}
			}
		}
	}
	if s.base == "" {
		t.Fatal("no volumev3 endpoint in the catalog: is cinder-api in the dev stack?")
	}
	return s
}

// do sends a request at microversion mv ("" for none) and returns the
// status and decoded body.
func (s *session) do(method, path, mv string, body any) (int, map[string]any) {
	s.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.base+path, r)
	req.Header.Set("X-Auth-Token", s.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if mv != "" {
		req.Header.Set("OpenStack-API-Version", "volume "+mv)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func (s *session) must(want int, method, path, mv string, body any) map[string]any {
	s.t.Helper()
	code, out := s.do(method, path, mv, body)
	if code != want {
		s.t.Fatalf("%s %s: %d, want %d: %v", method, path, code, want, out)
	}
	return out
}

func (s *session) volume(id string) map[string]any {
	s.t.Helper()
	return s.must(200, "GET", "/volumes/"+id, "", nil)["volume"].(map[string]any)
}

func (s *session) waitVolume(id string, want ...string) map[string]any {
	s.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		v := s.volume(id)
		for _, w := range want {
			if v["status"] == w {
				return v
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("volume %s: status %v, want %v", id, v["status"], want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (s *session) newVolume(body map[string]any) string {
	s.t.Helper()
	out := s.must(202, "POST", "/volumes", "", map[string]any{"volume": body})
	id := out["volume"].(map[string]any)["id"].(string)
	s.t.Cleanup(func() {
		s.do("POST", "/volumes/"+id+"/action", "", map[string]any{"os-reset_status": map[string]any{"status": "available", "attach_status": "detached"}})
		s.do("DELETE", "/volumes/"+id+"?cascade=true", "", nil)
	})
	return id
}

func (s *session) action(id, mv string, want int, body map[string]any) map[string]any {
	s.t.Helper()
	return s.must(want, "POST", "/volumes/"+id+"/action", mv, body)
}

var rbdConnector = map[string]any{"host": "cmp1", "ip": "10.250.0.11", "initiator": "iqn.x", "platform": "x86_64",
	"os_type": "linux", "multipath": false, "do_local_attach": false}

func checkRBDConnection(t *testing.T, info map[string]any, volumeID string) {
	t.Helper()
	if info["driver_volume_type"] != "rbd" {
		t.Errorf("driver_volume_type %v", info["driver_volume_type"])
	}
	data, _ := info["data"].(map[string]any)
	if data == nil {
		data = info // the attachments API flattens it
	}
	if data["name"] != "volumes/volume-"+volumeID || data["auth_username"] != "cinder" || data["secret_type"] != "ceph" ||
		data["auth_enabled"] != true || data["volume_id"] != volumeID || data["discard"] != true || data["cluster_name"] != "ceph" ||
		data["cacheable"] != false {
		t.Errorf("connection data: %v", data)
	}
	if uuid, _ := data["secret_uuid"].(string); len(uuid) != 36 {
		t.Errorf("secret_uuid %v", data["secret_uuid"])
	}
	if hosts, _ := data["hosts"].([]any); len(hosts) == 0 {
		t.Errorf("hosts %v", data["hosts"])
	}
	if ports, _ := data["ports"].([]any); len(ports) == 0 {
		t.Errorf("ports %v", data["ports"])
	}
	if _, ok := data["keyring"]; ok {
		t.Errorf("keyring must not be sent")
	}
}

// TestLegacyAttach walks os-reserve, os-initialize_connection, os-attach,
// os-begin_detaching, os-detach, os-terminate_connection at 3.0.
func TestLegacyAttach(t *testing.T) {
	s := adminSession(t)
	id := s.newVolume(map[string]any{"size": 1, "name": "legacy-attach"})
	s.waitVolume(id, "available")
	s.action(id, "", 202, map[string]any{"os-reserve": nil})
	if v := s.volume(id); v["status"] != "attaching" {
		t.Fatalf("after os-reserve: %v", v["status"])
	}
	conn := s.action(id, "", 200, map[string]any{"os-initialize_connection": map[string]any{"connector": rbdConnector}})
	checkRBDConnection(t, conn["connection_info"].(map[string]any), id)
	server := "11111111-2222-3333-4444-555555555555"
	s.action(id, "", 202, map[string]any{"os-attach": map[string]any{"instance_uuid": server, "mountpoint": "/dev/vdb", "mode": "rw"}})
	v := s.volume(id)
	atts, _ := v["attachments"].([]any)
	if v["status"] != "in-use" || len(atts) != 1 {
		t.Fatalf("after os-attach: %v %v", v["status"], v["attachments"])
	}
	a := atts[0].(map[string]any)
	if a["id"] != id || a["server_id"] != server || a["device"] != "/dev/vdb" || a["attachment_id"] == nil {
		t.Errorf("attachment: %v", a)
	}
	if at, _ := a["attached_at"].(string); strings.HasSuffix(at, "Z") || at == "" {
		t.Errorf("attached_at %q must be a naive timestamp", at)
	}
	if code, _ := s.do("DELETE", "/volumes/"+id, "", nil); code != 400 {
		t.Errorf("deleting an attached volume: %d", code)
	}
	s.action(id, "", 202, map[string]any{"os-begin_detaching": nil})
	if v := s.volume(id); v["status"] != "detaching" {
		t.Fatalf("after os-begin_detaching: %v", v["status"])
	}
	s.action(id, "", 202, map[string]any{"os-roll_detaching": nil})
	s.action(id, "", 202, map[string]any{"os-begin_detaching": nil})
	s.action(id, "", 202, map[string]any{"os-terminate_connection": map[string]any{"connector": rbdConnector}})
	s.action(id, "", 202, map[string]any{"os-detach": map[string]any{"attachment_id": a["attachment_id"]}})
	if v := s.volume(id); v["status"] != "available" || len(v["attachments"].([]any)) != 0 {
		t.Fatalf("after os-detach: %v %v", v["status"], v["attachments"])
	}
	s.action(id, "", 202, map[string]any{"os-reserve": nil})
	s.action(id, "", 202, map[string]any{"os-unreserve": nil})
	if v := s.volume(id); v["status"] != "available" {
		t.Fatalf("after os-unreserve: %v", v["status"])
	}
}

// TestAttachmentsAPI walks the 3.27 attachments API with 3.44's complete.
func TestAttachmentsAPI(t *testing.T) {
	s := adminSession(t)
	id := s.newVolume(map[string]any{"size": 1, "name": "new-attach"})
	s.waitVolume(id, "available")
	server := "21111111-2222-3333-4444-555555555555"
	if code, _ := s.do("POST", "/attachments", "3.0", map[string]any{"attachment": map[string]any{"volume_uuid": id}}); code != 404 {
		t.Errorf("attachments at 3.0: %d, want 404", code)
	}
	res := s.must(200, "POST", "/attachments", "3.44", map[string]any{"attachment": map[string]any{"volume_uuid": id, "instance_uuid": server}})
	att := res["attachment"].(map[string]any)
	attID := att["id"].(string)
	if att["status"] != "reserved" || att["instance"] != server {
		t.Errorf("reserved attachment: %v", att)
	}
	if v := s.volume(id); v["status"] != "reserved" {
		t.Errorf("volume after attachment create: %v", v["status"])
	}
	res = s.must(200, "PUT", "/attachments/"+attID, "3.44", map[string]any{"attachment": map[string]any{"connector": rbdConnector}})
	att = res["attachment"].(map[string]any)
	if att["status"] != "attaching" {
		t.Errorf("updated attachment: %v", att)
	}
	info := att["connection_info"].(map[string]any)
	checkRBDConnection(t, info, id)
	if info["attachment_id"] != attID {
		t.Errorf("connection_info.attachment_id %v", info["attachment_id"])
	}
	s.must(204, "POST", "/attachments/"+attID+"/action", "3.44", map[string]any{"os-complete": nil})
	v := s.volume(id)
	if v["status"] != "in-use" || len(v["attachments"].([]any)) != 1 {
		t.Fatalf("after os-complete: %v %v", v["status"], v["attachments"])
	}
	if a := v["attachments"].([]any)[0].(map[string]any); a["id"] != id || a["attachment_id"] != attID {
		t.Errorf("volume attachment: %v", a)
	}
	list := s.must(200, "GET", "/attachments?volume_id="+id, "3.44", nil)
	if n := len(list["attachments"].([]any)); n != 1 {
		t.Errorf("attachment list: %d", n)
	}
	res = s.must(200, "DELETE", "/attachments/"+attID, "3.44", nil)
	if n := len(res["attachments"].([]any)); n != 0 {
		t.Errorf("attachments after delete: %v", res)
	}
	if v := s.volume(id); v["status"] != "available" {
		t.Errorf("volume after attachment delete: %v", v["status"])
	}
}

// TestBadRequests pins upstream's answers to bad sizes, types and ids.
func TestBadRequests(t *testing.T) {
	s := adminSession(t)
	for _, tc := range []struct {
		name string
		body any
		code int
		msg  string
	}{
		{"size zero", map[string]any{"volume": map[string]any{"size": 0}}, 400, "0 is less than the minimum of 1"},
		{"size negative", map[string]any{"volume": map[string]any{"size": -1}}, 400, "-1 is less than the minimum of 1"},
		{"size text", map[string]any{"volume": map[string]any{"size": "abc"}}, 400, "'abc' does not match '^[0-9]+$'"},
		{"no size", map[string]any{"volume": map[string]any{"name": "x"}}, 400, "size"},
		{"unknown type", map[string]any{"volume": map[string]any{"size": 1, "volume_type": "no-such-type"}}, 404, "Volume type with name no-such-type could not be found."},
		{"unknown snapshot", map[string]any{"volume": map[string]any{"snapshot_id": "9d4d2c63-9e3a-4f6c-9a8e-3a1f6d1e0b11"}}, 404, "Snapshot 9d4d2c63-9e3a-4f6c-9a8e-3a1f6d1e0b11 could not be found."},
		{"unknown source", map[string]any{"volume": map[string]any{"source_volid": "9d4d2c63-9e3a-4f6c-9a8e-3a1f6d1e0b11"}}, 404, "Volume 9d4d2c63-9e3a-4f6c-9a8e-3a1f6d1e0b11 could not be found."},
		{"unknown image", map[string]any{"volume": map[string]any{"size": 1, "imageRef": "9d4d2c63-9e3a-4f6c-9a8e-3a1f6d1e0b11"}}, 400, "Invalid image identifier or unable to access requested image."},
		{"unknown zone", map[string]any{"volume": map[string]any{"size": 1, "availability_zone": "mars"}}, 400, "Availability zone 'mars' is invalid."},
		{"no volume key", map[string]any{"size": 1}, 400, "'volume' is a required property"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &session{t: t, token: s.token, project: s.project, base: s.base}
			code, out := s.do("POST", "/volumes", "", tc.body)
			if code != tc.code {
				t.Fatalf("%d, want %d: %v", code, tc.code, out)
			}
			kind := map[int]string{400: "badRequest", 404: "itemNotFound"}[tc.code]
			f, _ := out[kind].(map[string]any)
			if f == nil || f["code"] != float64(tc.code) || !strings.Contains(fmt.Sprint(f["message"]), tc.msg) {
				t.Errorf("body %v, want %s with %q", out, kind, tc.msg)
			}
		})
	}
	if code, out := s.do("GET", "/volumes/not-a-volume", "", nil); code != 404 || out["itemNotFound"] == nil {
		t.Errorf("GET unknown volume: %d %v", code, out)
	}
	if code, _ := s.do("GET", "/snapshots/9d4d2c63-9e3a-4f6c-9a8e-3a1f6d1e0b11", "", nil); code != 404 {
		t.Errorf("GET unknown snapshot: %d", code)
	}
	if code, _ := s.do("GET", "/types/nope", "", nil); code != 404 {
		t.Errorf("GET unknown type: %d", code)
	}
	if code, _ := s.do("GET", "/volumes", "3.99", nil); code != 406 {
		t.Errorf("microversion 3.99: %d, want 406", code)
	}
	id := s.newVolume(map[string]any{"size": 1})
	s.waitVolume(id, "available")
	if code, out := s.do("POST", "/volumes/"+id+"/action", "", map[string]any{"os-extend": map[string]any{"new_size": 1}}); code != 400 {
		t.Errorf("extend to the same size: %d %v", code, out)
	}
}

// TestNoValidBackend: a type no backend serves leaves the volume in error
// with a user message (3.3) saying why.
func TestNoValidBackend(t *testing.T) {
	s := adminSession(t)
	name := fmt.Sprintf("nobackend-%d", time.Now().UnixNano())
	typ := s.must(200, "POST", "/types", "", map[string]any{"volume_type": map[string]any{"name": name,
		"extra_specs": map[string]any{"volume_backend_name": "no-such-backend"}}})["volume_type"].(map[string]any)
	typID := typ["id"].(string)
	id := s.newVolume(map[string]any{"size": 1, "volume_type": name})
	t.Cleanup(func() { s.do("DELETE", "/types/"+typID, "", nil) })
	s.waitVolume(id, "error")
	if code, _ := s.do("GET", "/messages", "3.0", nil); code != 404 {
		t.Errorf("messages at 3.0: %d, want 404", code)
	}
	msgs := s.must(200, "GET", "/messages?resource_uuid="+id, "3.3", nil)["messages"].([]any)
	if len(msgs) != 1 {
		t.Fatalf("messages for %s: %v", id, msgs)
	}
	m := msgs[0].(map[string]any)
	if m["user_message"] != "schedule allocate volume:Could not find any available weighted backend." ||
		m["event_id"] != "VOLUME_VOLUME_001_003" || m["resource_type"] != "VOLUME" || m["message_level"] != "ERROR" {
		t.Errorf("message: %v", m)
	}
	s.must(202, "DELETE", "/volumes/"+id, "", nil)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if code, _ := s.do("GET", "/volumes/"+id, "", nil); code == 404 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("volume in error was not deleted")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestVersions: the root and /v3/ documents without a token.
func TestVersions(t *testing.T) {
	s := adminSession(t)
	root := strings.SplitN(s.base, "/v3/", 2)[0]
	for _, u := range []string{root + "/", root + "/v3/"} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Versions []map[string]any `json:"versions"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if len(doc.Versions) != 1 || doc.Versions[0]["version"] != "3.68" || doc.Versions[0]["min_version"] != "3.0" || doc.Versions[0]["id"] != "v3.0" {
			t.Errorf("%s: %d %v", u, resp.StatusCode, doc)
		}
	}
}

// wait polls GET /<collection>/<id> (any project, as the admin) until its
// status is want; an error status fails.
func (s *session) wait(collection, id, want string) map[string]any {
	s.t.Helper()
	key := strings.TrimSuffix(collection, "s")
	deadline := time.Now().Add(time.Minute)
	for {
		code, out := s.do("GET", "/"+collection+"/"+id, "", nil)
		obj, _ := out[key].(map[string]any)
		st, _ := obj["status"].(string)
		if code == 200 && st == want {
			return obj
		}
		if strings.HasPrefix(st, "error") || time.Now().After(deadline) {
			s.t.Fatalf("%s %s: %d status %q, want %q", collection, id, code, st, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitGone polls until GET /<collection>/<id> is 404.
func (s *session) waitGone(collection, id string) {
	s.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		code, out := s.do("GET", "/"+collection+"/"+id, "", nil)
		if code == 404 {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s %s still exists: %v", collection, id, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestTransfers: create (auth_key shown once), list/detail/show, a wrong
// key refused, accept, and delete of a pending transfer.
func TestTransfers(t *testing.T) {
	s := adminSession(t)
	id := s.newVolume(map[string]any{"size": 1, "name": "transfer-me"})
	s.waitVolume(id, "available")
	tr := s.must(202, "POST", "/os-volume-transfer", "", map[string]any{"transfer": map[string]any{"volume_id": id, "name": "tr"}})["transfer"].(map[string]any)
	trID, key := tr["id"].(string), tr["auth_key"].(string)
	if key == "" || tr["volume_id"] != id {
		t.Fatalf("transfer: %v", tr)
	}
	if v := s.volume(id); v["status"] != "awaiting-transfer" {
		t.Errorf("volume during transfer: %v", v["status"])
	}
	list := s.must(200, "GET", "/os-volume-transfer/detail", "", nil)["transfers"].([]any)
	found := false
	for _, x := range list {
		m := x.(map[string]any)
		found = found || m["id"] == trID
		if _, leaked := m["auth_key"]; leaked {
			t.Errorf("auth_key listed")
		}
	}
	if !found {
		t.Errorf("transfer %s not listed", trID)
	}
	if code, _ := s.do("POST", "/os-volume-transfer/"+trID+"/accept", "", map[string]any{"accept": map[string]any{"auth_key": "wrong"}}); code != 400 {
		t.Errorf("wrong auth key: %d", code)
	}
	s.must(202, "POST", "/os-volume-transfer/"+trID+"/accept", "", map[string]any{"accept": map[string]any{"auth_key": key}})
	if v := s.volume(id); v["status"] != "available" {
		t.Errorf("volume after accept: %v", v["status"])
	}
	if code, _ := s.do("GET", "/os-volume-transfer/"+trID, "", nil); code != 404 {
		t.Errorf("accepted transfer still shown: %d", code)
	}
	tr2 := s.must(202, "POST", "/os-volume-transfer", "", map[string]any{"transfer": map[string]any{"volume_id": id}})["transfer"].(map[string]any)
	s.must(202, "DELETE", "/os-volume-transfer/"+tr2["id"].(string), "", nil)
	if v := s.volume(id); v["status"] != "available" {
		t.Errorf("volume after transfer delete: %v", v["status"])
	}
}
