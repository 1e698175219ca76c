package e2e

import (
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
