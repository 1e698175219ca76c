package manager

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/testenv"
	"github.com/gostack/gostack/volume/driver/rbd"
	"github.com/gostack/gostack/volume/glance"
	"github.com/gostack/gostack/volume/store"
)

// TestCreateFromQcow2Image: a qcow2 image (a Glance that keeps it as
// qcow2, with no location in our cluster) is downloaded and converted,
// never cloned: the volume is downloading meanwhile, ends available with
// the image's raw data and no RBD parent, and its image metadata carry
// signature_verified False, as upstream's _create_from_image_download.
func TestCreateFromQcow2Image(t *testing.T) {
	if _, err := exec.LookPath("qemu-img"); err != nil {
		t.Fatalf("qemu-img is needed: %v", err)
	}
	conf, user := testenv.Ceph(t)
	st := newStore(t)
	ctx := rpc.WithContext(context.Background(), rpc.Context{AuthToken: "test-token"})

	dir := t.TempDir()
	data := make([]byte, 3<<20)
	_, _ = rand.Read(data)
	raw := filepath.Join(dir, "img.raw")
	if err := os.WriteFile(raw, append(data, make([]byte, (16<<20)-len(data))...), 0o600); err != nil {
		t.Fatal(err)
	}
	qcow := filepath.Join(dir, "img.qcow2")
	if out, err := exec.Command("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, qcow).CombinedOutput(); err != nil {
		t.Fatalf("qemu-img: %v %s", err, out)
	}
	qdata, _ := os.ReadFile(qcow)

	var statusDuringDownload string
	var mu sync.Mutex
	var vid string
	imageID := "5b1f1f3e-8c1b-4d55-9f3e-0c7a2b8e6d01"
	gl := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/images/" + imageID:
			_ = json.NewEncoder(w).Encode(map[string]any{"id": imageID, "name": "q", "status": "active", "size": len(qdata),
				"disk_format": "qcow2", "container_format": "bare", "checksum": "c", "min_disk": 0, "min_ram": 0,
				"os_distro": "cirros"})
		case "/v2/images/" + imageID + "/file":
			mu.Lock()
			if v, err := st.GetVolume(context.Background(), vid); err == nil {
				statusDuringDownload = v.Status
			}
			mu.Unlock()
			_, _ = w.Write(qdata)
		default:
			http.NotFound(w, r)
		}
	}))
	defer gl.Close()

	open := openRBD(conf, user)
	m := New(Config{Host: "test@qcow", TempDir: dir}, st, nil, nil, glance.New(nil, gl.URL), open, quiet())
	def, err := st.GetTypeByName(context.Background(), store.DefaultTypeName)
	if err != nil {
		t.Fatal(err)
	}
	img := imageID
	v, err := st.CreateVolume(ctx, store.Volume{ID: uuidString(), ProjectID: "p1", UserID: "u1", Size: 1,
		AvailabilityZone: "nova", Status: "creating", TypeID: def.ID, Host: "test@qcow#qcow", ImageID: &img})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	vid = v.ID
	mu.Unlock()
	t.Cleanup(func() {
		if d, err := open(context.Background()); err == nil {
			_ = d.DeleteVolume(context.Background(), v.ID)
			d.Close()
		}
	})
	if _, err := m.createVolume(ctx, rpcapiCreate(v.ID)); err != nil {
		t.Fatal(err)
	}
	got, err := st.GetVolume(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "available" || !got.Bootable {
		t.Fatalf("status %q bootable %v, want available and bootable", got.Status, got.Bootable)
	}
	if statusDuringDownload != "downloading" {
		t.Errorf("status while the image downloaded %q, want downloading", statusDuringDownload)
	}
	if got.ImageMetadata["signature_verified"] != "False" || got.ImageMetadata["disk_format"] != "qcow2" ||
		got.ImageMetadata["os_distro"] != "cirros" {
		t.Errorf("volume image metadata %v", got.ImageMetadata)
	}
	c, err := ceph.Connect(ctx, ceph.Config{ConfPath: conf, User: user})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	spec := ceph.ImageSpec("volumes", rbd.VolumeName(v.ID))
	if _, ok, err := c.Parent(ctx, spec); err != nil || ok {
		t.Errorf("the volume has an RBD parent (%v): a qcow2 image must be copied, not cloned", err)
	}
	var buf bytes.Buffer
	if _, err := c.Export(ctx, spec, &buf, ceph.ExportOptions{Length: int64(len(data))}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), data) {
		t.Errorf("the volume does not hold the image's raw data")
	}
}

func uuidString() string { return uuid.NewString() }
