// Package settings declares the [DEFAULT] options Cinder's daemons share,
// with upstream's names: transport_url, host, enabled_backends,
// storage_availability_zone, default_volume_type, report_interval,
// service_down_time, the quota_* defaults and the API listener.
package settings
