package api_test

import (
	"testing"
	"time"
)

// timeBackup creates a backup of vol and returns POST -> available.
func timeBackup(b *testing.B, s *session, vol string, incremental bool) (string, time.Duration) {
	start := time.Now()
	out := s.must(202, "POST", "/backups", "", map[string]any{"backup": map[string]any{"volume_id": vol, "incremental": incremental}})
	id := out["backup"].(map[string]any)["id"].(string)
	for {
		code, got := s.do("GET", "/backups/"+id, "", nil)
		st, _ := got["backup"].(map[string]any)["status"].(string)
		if code == 200 && st == "available" {
			return id, time.Since(start)
		}
		if st == "error" || time.Since(start) > 10*time.Minute {
			b.Fatalf("backup %s: %s", id, st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// BenchmarkBackup1GiB: a 1 GiB volume full of random data: full backup,
// incremental backup after a 4 MiB change, and restore to a new volume,
// each from the API call to available (go test -run X -bench Backup
// ./volume/api against make dev).
func BenchmarkBackup1GiB(b *testing.B) {
	s := adminSession(b)
	code, out := s.do("POST", "/volumes", "", map[string]any{"volume": map[string]any{"size": 1, "name": "bench-backup"}})
	if code != 202 {
		b.Fatalf("create: %d %v", code, out)
	}
	vol := out["volume"].(map[string]any)["id"].(string)
	b.Cleanup(func() { s.do("DELETE", "/volumes/"+vol, "", nil) })
	s.waitVolume(vol, "available")
	for off := int64(0); off < 1<<30; off += 64 << 20 {
		writeRandom(b, vol, off, 64<<20)
	}
	var full, incr, restore time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fid, d := timeBackup(b, s, vol, false)
		full += d
		writeRandom(b, vol, int64(i%200)<<20, 4<<20)
		iid, d := timeBackup(b, s, vol, true)
		incr += d
		start := time.Now()
		res := s.must(202, "POST", "/backups/"+iid+"/restore", "", map[string]any{"restore": map[string]any{}})["restore"].(map[string]any)
		nv := res["volume_id"].(string)
		s.waitVolume(nv, "available")
		s.waitBackup(iid, "available")
		restore += time.Since(start)
		s.do("DELETE", "/volumes/"+nv, "", nil)
		s.must(202, "DELETE", "/backups/"+iid, "", nil)
		s.waitGone("backups", iid)
		s.must(202, "DELETE", "/backups/"+fid, "", nil)
		s.waitGone("backups", fid)
		s.waitGone("volumes", nv)
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(full.Seconds()/n, "full-s")
	b.ReportMetric(incr.Seconds()/n, "incr-s")
	b.ReportMetric(restore.Seconds()/n, "restore-s")
}
