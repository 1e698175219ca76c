package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/testenv"
)

// The benchmarks run against `make dev` (go test -run X -bench . ./volume/api):
// they report p50 times of the figures as custom metrics.

func p50(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// timeToAvailable creates a volume and measures POST -> available.
func timeToAvailable(b *testing.B, s *session, body map[string]any) time.Duration {
	start := time.Now()
	code, out := s.do("POST", "/volumes", "", map[string]any{"volume": body})
	if code != 202 {
		b.Fatalf("create: %d %v", code, out)
	}
	id := out["volume"].(map[string]any)["id"].(string)
	for {
		code, v := s.do("GET", "/volumes/"+id, "", nil)
		st, _ := v["volume"].(map[string]any)["status"].(string)
		if code == 200 && st == "available" {
			break
		}
		if strings.HasPrefix(st, "error") || time.Since(start) > 2*time.Minute {
			b.Fatalf("volume %s: %s", id, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
	d := time.Since(start)
	s.do("DELETE", "/volumes/"+id, "", nil)
	// wait for the delete, so that 20 runs stay within the volumes quota
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if code, _ := s.do("GET", "/volumes/"+id, "", nil); code == 404 {
			break
		}
	}
	return d
}

// BenchmarkCreateEmpty10G: POST /volumes -> available, 10 GiB empty, p50 of 20.
func BenchmarkCreateEmpty10G(b *testing.B) {
	s := adminSession(b)
	for i := 0; i < b.N; i++ {
		var ds []time.Duration
		for j := 0; j < 20; j++ {
			ds = append(ds, timeToAvailable(b, s, map[string]any{"size": 10, "name": "bench-empty"}))
		}
		b.ReportMetric(float64(p50(ds).Milliseconds()), "p50-ms")
	}
}

// BenchmarkCreateFromImage10G: 10 GiB from a 1 GiB raw image (CoW clone).
func BenchmarkCreateFromImage10G(b *testing.B) {
	s := adminSession(b)
	img := uploadImage(b, s, 1<<30)
	defer glanceDo(b, s, "DELETE", "/v2/images/"+img, nil)
	for i := 0; i < b.N; i++ {
		var ds []time.Duration
		for j := 0; j < 20; j++ {
			ds = append(ds, timeToAvailable(b, s, map[string]any{"size": 10, "imageRef": img, "name": "bench-img"}))
		}
		b.ReportMetric(float64(p50(ds).Milliseconds()), "p50-ms")
	}
}

func glanceDo(b *testing.B, s *session, method, path string, body []byte) *http.Response {
	glance := regexp.MustCompile(`:8776/.*$`).ReplaceAllString(s.base, ":9292")
	var req *http.Request
	if body != nil {
		req, _ = http.NewRequest(method, glance+path, bytes.NewReader(body))
	} else {
		req, _ = http.NewRequest(method, glance+path, nil)
	}
	req.Header.Set("X-Auth-Token", s.token)
	if method == "PUT" {
		req.Header.Set("Content-Type", "application/octet-stream")
	} else if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// uploadImage makes an active raw image of size bytes (the tiny image,
// padded with zeros).
func uploadImage(b *testing.B, s *session, size int) string {
	id := uuid.NewString()
	resp := glanceDo(b, s, "POST", "/v2/images", []byte(fmt.Sprintf(`{"id":%q,"name":"bench-1g","disk_format":"raw","container_format":"bare"}`, id)))
	if resp.StatusCode != 201 {
		b.Fatalf("image create: %d", resp.StatusCode)
	}
	data := make([]byte, size)
	if tiny, err := os.ReadFile(testenv.Get("GOSTACK_TINY_IMAGE")); err == nil {
		copy(data, tiny)
	}
	if resp := glanceDo(b, s, "PUT", "/v2/images/"+id+"/file", data); resp.StatusCode != 204 {
		b.Fatalf("image upload: %d", resp.StatusCode)
	}
	return id
}

// BenchmarkListVolumes1000: GET /volumes/detail of a project holding 1000
// volumes (rows written straight into the dev cloud's database).
func BenchmarkListVolumes1000(b *testing.B) {
	s := adminSession(b)
	conn := cinderDB(b)
	defer conn.Close(context.Background())
	ctx := context.Background()
	project := "bench-" + uuid.NewString()[:8]
	var typ string
	if err := conn.QueryRow(ctx, `SELECT id FROM volume_types WHERE name = '__DEFAULT__' AND deleted_at IS NULL`).Scan(&typ); err != nil {
		b.Fatal(err)
	}
	rows := make([][]any, 1000)
	for i := range rows {
		rows[i] = []any{uuid.NewString(), project, "bench", 1, "nova", "available", fmt.Sprintf("bench-%04d", i), typ, "vm@ceph#volumes"}
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"volumes"}, []string{"id", "project_id", "user_id", "size",
		"availability_zone", "status", "display_name", "volume_type_id", "host"}, pgx.CopyFromRows(rows)); err != nil {
		b.Fatal(err)
	}
	defer conn.Exec(ctx, `DELETE FROM volumes WHERE project_id = $1`, project)
	path := "/volumes/detail?all_tenants=1&project_id=" + project + "&limit=1000"
	if code, out := s.do("GET", path, "", nil); code != 200 || len(out["volumes"].([]any)) != 1000 {
		b.Fatalf("list: %d", code)
	}
	b.ResetTimer()
	var ds []time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		s.do("GET", path, "", nil)
		ds = append(ds, time.Since(start))
	}
	b.ReportMetric(float64(p50(ds).Microseconds())/1000, "p50-ms")
}

func cinderDB(b *testing.B) *pgx.Conn {
	root := testenv.Get("GOSTACK_STACK_DIR")
	raw, err := os.ReadFile(filepath.Join(root, "etc", "cinder", "cinder.conf"))
	if err != nil {
		b.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^connection = (postgresql://\S+)`).FindSubmatch(raw)
	if m == nil {
		b.Fatal("no [database] connection in the dev cloud's cinder.conf")
	}
	conn, err := pgx.Connect(context.Background(), string(m[1]))
	if err != nil {
		b.Fatal(err)
	}
	return conn
}
