package manager_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/compute/virt"
)

// bootTimes are, for one boot, the time from select_destinations to the
// guest's domain running, and to the instance ACTIVE in the database.
type bootTimes struct{ domain, active time.Duration }

// timedBoot boots one instance through the conductor (build_instances:
// schedule and claim, record the host, cast build_and_run_instance; then
// the compute manager's build) and times it from the cast.
func (r *rig) timedBoot(ctx context.Context, image objects.ImageMeta) (string, bootTimes) {
	start := time.Now()
	inst, _ := r.boot(ctx, tiny, image)
	var bt bootTimes
	r.eventually("boot", 3*time.Minute, func() bool {
		if bt.domain == 0 {
			if info, err := r.driver.Info(ctx, inst.UUID); err == nil && info.State == virt.Running {
				bt.domain = time.Since(start)
			}
		}
		in, err := r.st.GetInstance(ctx, inst.UUID, false)
		if err == nil && in.VMState == objects.VMActive {
			bt.active = time.Since(start)
			if bt.domain == 0 {
				bt.domain = bt.active
			}
			return true
		}
		if err == nil && in.VMState == objects.VMError {
			r.t.Fatalf("boot failed: %+v", in)
		}
		return false
	})
	return inst.UUID, bt
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s)-1)*p + 0.5)
	return s[i]
}

func report(b *testing.B, prefix string, ts []bootTimes) {
	var dom, act []time.Duration
	for _, t := range ts {
		dom, act = append(dom, t.domain), append(act, t.active)
	}
	b.ReportMetric(float64(percentile(dom, .5).Milliseconds()), prefix+"-domain-p50-ms")
	b.ReportMetric(float64(percentile(dom, .95).Milliseconds()), prefix+"-domain-p95-ms")
	b.ReportMetric(float64(percentile(act, .5).Milliseconds()), prefix+"-active-p50-ms")
	b.ReportMetric(float64(percentile(act, .95).Milliseconds()), prefix+"-active-p95-ms")
}

func (r *rig) deleteAll(ctx context.Context, uuids []string) {
	for _, id := range uuids {
		in, err := r.st.GetInstance(ctx, id, false)
		if err != nil {
			continue
		}
		task := objects.TaskDeleting
		in, _ = r.st.UpdateInstance(ctx, id, store.InstanceUpdate{TaskState: &task})
		_ = r.compute.TerminateInstance(ctx, in, nil)
	}
	r.eventually("the bench instances deleted", 3*time.Minute, func() bool {
		for _, id := range uuids {
			if in, err := r.st.GetInstance(ctx, id, true); err == nil && !in.Deleted() {
				return false
			}
		}
		return true
	})
}

// BenchmarkBoot times the control plane behind nova-api for 20 sequential
// and 10 concurrent boots of the tiny image: from the build_instances cast
// (conductor, scheduler claim, compute cast, RBD clone, secret, domain
// define and start) to the domain running, and to ACTIVE. Guest boot is
// excluded; so is nova-api's own work before its cast.
func BenchmarkBoot(b *testing.B) {
	r := newRig(b)
	ctx := ctxT(b, 20*time.Minute)
	r.startManager()
	image := r.image()
	for range b.N {
		// Each guest deleted once ACTIVE: no earlier guest competes for
		// the CPUs (TCG guests booting saturate a small host).
		var alone []bootTimes
		for range 20 {
			id, t := r.timedBoot(ctx, image)
			alone = append(alone, t)
			r.deleteAll(ctx, []string{id})
		}
		report(b, "seq20alone", alone)

		var seq []bootTimes
		var ids []string
		for range 20 {
			id, t := r.timedBoot(ctx, image)
			ids, seq = append(ids, id), append(seq, t)
		}
		report(b, "seq20", seq)
		r.deleteAll(ctx, ids)

		var (
			wg  sync.WaitGroup
			mu  sync.Mutex
			par []bootTimes
		)
		ids = nil
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id, t := r.timedBoot(ctx, image)
				mu.Lock()
				ids, par = append(ids, id), append(par, t)
				mu.Unlock()
			}()
		}
		wg.Wait()
		report(b, "par10", par)
		r.deleteAll(ctx, ids)
	}
}
