package servicegroup

import (
	"context"
	"log/slog"
	"time"
)

// Report records one heartbeat of the service: last_seen_up and
// updated_at become the database's now() and report_count grows by one.
// It is nova's report_state.
func (s *Store) Report(ctx context.Context, id int64) (Service, error) {
	row := s.q.QueryRow(ctx, `UPDATE services
		SET last_seen_up = now(), updated_at = now(), report_count = report_count + 1
		WHERE id = $1 AND deleted_at IS NULL RETURNING `+columns, id)
	return oneByID(row, id)
}

// Heartbeat reports the service alive now and then every interval until
// ctx is done. A failed report is logged and the loop goes on, so a
// database outage makes the service look down, not die; the first success
// after failures is logged too. Each report is bounded by the interval.
func (s *Store) Heartbeat(ctx context.Context, id int64, interval time.Duration, log *slog.Logger) {
	if interval <= 0 {
		interval = DefaultReportInterval
	}
	log = log.With("service_id", id)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	failing := false
	for {
		failing = s.beat(ctx, id, interval, log, failing)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// beat makes one report and returns whether it failed.
func (s *Store) beat(ctx context.Context, id int64, timeout time.Duration, log *slog.Logger, wasFailing bool) bool {
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, err := s.Report(rctx, id)
	switch {
	case err != nil && ctx.Err() != nil:
		return wasFailing // stopping; not a failure worth a log line
	case err != nil:
		log.Warn("servicegroup: heartbeat failed; the service will show as down if this persists", "error", err)
		return true
	case wasFailing:
		log.Info("servicegroup: heartbeat recovered")
	}
	return false
}
