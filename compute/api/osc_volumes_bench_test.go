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

// Benchmarks of issue 7 against `make dev` (real daemons, TCG guests):
//
//	CI=true GOFLAGS=-tags=pacific go test ./compute/api -run XXX -bench 'BootToActive|VolumeAttachDetach' -benchtime 3x
//
// The API is driven over HTTP with a token from the real client, polling
// every 100 ms, so the figures are the cloud's, not the client's.

type benchCloud struct {
	b               *testing.B
	token, compute  string
	volume          string
	imageID, flavor string
}

func newBenchCloud(b *testing.B) *benchCloud {
	src := testenv.Require(b, "GOSTACK_TINY_IMAGE")
	admin := testenv.OSC{T: b}
	c := &benchCloud{b: b}
	c.token = strings.TrimSpace(admin.Run("token", "issue", "-f", "value", "-c", "id"))
	c.compute = strings.TrimSpace(admin.Run("endpoint", "list", "--service", "compute", "--interface", "public", "-f", "value", "-c", "URL"))
	vol := strings.TrimSpace(admin.Run("endpoint", "list", "--service", "volumev3", "--interface", "public", "-f", "value", "-c", "URL"))
	c.volume = vol[:strings.Index(vol, "/v3")] + "/v3"
	sfx := strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	c.flavor = "bench-vol-f-" + sfx
	admin.Run("flavor", "create", "--ram", "128", "--disk", "1", "--vcpus", "1", c.flavor)
	b.Cleanup(func() { admin.Quietly("flavor", "delete", c.flavor) })
	c.flavor = strings.TrimSpace(admin.Run("flavor", "show", c.flavor, "-f", "value", "-c", "id"))
	c.imageID = admin.JSON("image", "create", "--file", src, "--disk-format", "raw", "--container-format", "bare", "bench-vol-img-"+sfx)["id"].(string)
	b.Cleanup(func() { admin.Quietly("image", "delete", c.imageID) })
	return c
}

func (c *benchCloud) do(method, url string, in any, out any) int {
	c.b.Helper()
	var body io.Reader
	if in != nil {
		data, _ := json.Marshal(in)
		body = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, url, body)
	req.Header.Set("X-Auth-Token", c.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("OpenStack-API-Version", "compute 2.58")
	if strings.HasPrefix(url, c.volume) {
		req.Header.Set("OpenStack-API-Version", "volume 3.44")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.b.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 && resp.StatusCode != http.StatusNotFound {
		c.b.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, data)
	}
	if out != nil && len(data) > 0 {
		_ = json.Unmarshal(data, out)
	}
	return resp.StatusCode
}

// waitFor polls fn every 100 ms for up to 5 minutes.
func (c *benchCloud) waitFor(what string, fn func() bool) {
	deadline := time.Now().Add(5 * time.Minute)
	for !fn() {
		if time.Now().After(deadline) {
			c.b.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *benchCloud) serverStatus(id string) string {
	var s struct {
		Server struct {
			Status string `json:"status"`
		} `json:"server"`
	}
	if c.do(http.MethodGet, c.compute+"/servers/"+id, nil, &s) == http.StatusNotFound {
		return "GONE"
	}
	return s.Server.Status
}

// boot creates a server and waits for ACTIVE; it returns the server's id.
func (c *benchCloud) boot(name string, fromVolume bool) string {
	server := map[string]any{"name": name, "flavorRef": c.flavor, "networks": "none", "imageRef": c.imageID}
	if fromVolume {
		server["imageRef"] = ""
		server["block_device_mapping_v2"] = []map[string]any{{"boot_index": 0, "uuid": c.imageID, "source_type": "image",
			"destination_type": "volume", "volume_size": 1, "delete_on_termination": true}}
	}
	var out struct {
		Server struct {
			ID string `json:"id"`
		} `json:"server"`
	}
	c.do(http.MethodPost, c.compute+"/servers", map[string]any{"server": server}, &out)
	id := out.Server.ID
	c.waitFor("ACTIVE", func() bool {
		st := c.serverStatus(id)
		if st == "ERROR" {
			c.b.Fatalf("server %s went to ERROR", id)
		}
		return st == "ACTIVE"
	})
	return id
}

func (c *benchCloud) deleteServer(id string) {
	c.do(http.MethodDelete, c.compute+"/servers/"+id, nil, nil)
	c.waitFor("the server gone", func() bool { return c.serverStatus(id) == "GONE" })
}

// BenchmarkBootToActive: POST /servers to ACTIVE, booted from the image
// (RBD clone in vms) and from a volume (Cinder clones the image, nova
// attaches it through the attachments API).
func BenchmarkBootToActive(b *testing.B) {
	c := newBenchCloud(b)
	for _, bc := range []struct {
		name       string
		fromVolume bool
	}{{"image", false}, {"volume", true}} {
		b.Run(bc.name, func(b *testing.B) {
			c.b = b
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				id := c.boot(fmt.Sprintf("bench-boot-%s-%d", bc.name, i), bc.fromVolume)
				b.StopTimer()
				c.deleteServer(id)
				b.StartTimer()
			}
		})
	}
}

// BenchmarkVolumeAttachDetach: one attach (POST os-volume_attachments
// answers once the host hot-plugged the volume and Cinder completed the
// attachment) and one detach (DELETE, the guest released it, the volume
// available again) of a 1 GiB volume on a running server.
func BenchmarkVolumeAttachDetach(b *testing.B) {
	c := newBenchCloud(b)
	var volID string
	b.Cleanup(func() {
		// after the server's delete (cleanups run last first) detached it
		for i := 0; volID != "" && i < 30; i++ {
			req, _ := http.NewRequest(http.MethodDelete, c.volume+"/volumes/"+volID, nil)
			req.Header.Set("X-Auth-Token", c.token)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
				if resp.StatusCode < 300 || resp.StatusCode == http.StatusNotFound {
					return
				}
			}
			time.Sleep(2 * time.Second)
		}
	})
	server := c.boot("bench-attach", false)
	b.Cleanup(func() { c.deleteServer(server) })
	// A guest still in its BIOS would miss the hot-plug events: wait for
	// the tiny guest's login line.
	c.waitFor("the guest booted", func() bool {
		var out struct {
			Output string `json:"output"`
		}
		c.do(http.MethodPost, c.compute+"/servers/"+server+"/action", map[string]any{"os-getConsoleOutput": map[string]any{}}, &out)
		return strings.Contains(out.Output, "tinyvm login:")
	})
	var vol struct {
		Volume struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"volume"`
	}
	c.do(http.MethodPost, c.volume+"/volumes", map[string]any{"volume": map[string]any{"size": 1, "name": "bench-attach"}}, &vol)
	volID = vol.Volume.ID
	status := func() string {
		c.do(http.MethodGet, c.volume+"/volumes/"+volID, nil, &vol)
		return vol.Volume.Status
	}
	c.waitFor("the volume available", func() bool { return status() == "available" })
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.do(http.MethodPost, c.compute+"/servers/"+server+"/os-volume_attachments",
			map[string]any{"volumeAttachment": map[string]any{"volumeId": volID}}, nil)
		c.do(http.MethodDelete, c.compute+"/servers/"+server+"/os-volume_attachments/"+volID, nil, nil)
		c.waitFor("the volume available", func() bool { return status() == "available" })
	}
}
