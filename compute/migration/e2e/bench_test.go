package e2e

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// jobStat reads one figure (milliseconds) of `virsh domjobinfo --completed`.
func jobStat(out, field string) float64 {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(field) + `:\s+([0-9.]+)\s*ms`).FindStringSubmatch(out)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

// BenchmarkLiveMigration moves an idle 256 MiB guest between the two
// namespace hosts, back and forth, and reports per migration the client's
// view (API call to the server ACTIVE on the other host) and libvirt's job
// statistics on the destination: total time and downtime.
//
//	CI=true go test -tags pacific ./compute/migration/e2e -run '^$' -bench LiveMigration -benchtime 4x
func BenchmarkLiveMigration(b *testing.B) {
	requireHosts(b)
	name := "lmb-" + suffix()
	f := newFixture(b, name, 256)
	id := bootOn(b, f, hostA, name)
	dom := domainName(b, id)
	waitHeartbeat(b, id, 3)
	var elapsed, downtime float64
	b.ResetTimer()
	from, to := hostA, hostB
	for i := 0; i < b.N; i++ {
		osc(b).Run("server", "migrate", "--live-migration", "--host", to, id)
		m := waitMigration(b, id, "live-migration", 5*time.Minute, "completed", "error")
		if m["Status"] != "completed" {
			b.Fatalf("migration %s -> %s ended %v", from, to, m["Status"])
		}
		waitServer(b, id, "ACTIVE", to, time.Minute)
		info := virsh(b, to, "domjobinfo", dom, "--completed")
		elapsed += jobStat(info, "Time elapsed")
		downtime += jobStat(info, "Total downtime")
		from, to = to, from
	}
	b.StopTimer()
	b.ReportMetric(elapsed/float64(b.N), "job-ms/op")
	b.ReportMetric(downtime/float64(b.N), "downtime-ms/op")
}

// BenchmarkEvacuate: per iteration a 256 MiB guest on host A, A killed and
// forced down, the guest evacuated to B; it reports the time from
// forced_down to the evacuation record done (server side: the guest
// started on B) and to the server seen ACTIVE on B by the client. Host A
// is restarted (and set up) after each iteration.
//
//	CI=true go test -tags pacific ./compute/migration/e2e -run '^$' -bench Evacuate -benchtime 1x
func BenchmarkEvacuate(b *testing.B) {
	requireHosts(b)
	name := "evb-" + suffix()
	f := newFixture(b, name, 256)
	var done, active time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		id := bootOn(b, f, hostA, fmt.Sprintf("%s-%d", name, i))
		waitHeartbeat(b, id, 1)
		hostSh(b, "kill", hostIndex(hostA))
		b.StartTimer()
		down := time.Now()
		osc(b).Run("compute", "service", "set", "--down", hostA, "nova-compute")
		nova(b, "evacuate", id, hostB)
		m := waitMigration(b, id, "evacuation", 5*time.Minute, "done", "error", "failed")
		waitServer(b, id, "ACTIVE", hostB, 2*time.Minute)
		active += time.Since(down)
		b.StopTimer()
		if m["Status"] != "done" {
			b.Fatalf("evacuation ended %v", m["Status"])
		}
		if at, err := time.ParseInLocation("2006-01-02T15:04:05.999999", fmt.Sprint(m["Updated At"]), time.UTC); err == nil {
			done += at.Sub(down)
		}
		hostSh(b, "start", hostIndex(hostA))
		osc(b).Run("compute", "service", "set", "--up", hostA, "nova-compute")
		osc(b).Run("server", "delete", "--wait", id)
	}
	b.ReportMetric(done.Seconds()/float64(b.N), "s-to-done/op")
	b.ReportMetric(active.Seconds()/float64(b.N), "s-to-ACTIVE/op")
}
