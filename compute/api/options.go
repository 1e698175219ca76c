package api

import (
	"time"

	"github.com/gostack/gostack/compute/console"
	"github.com/gostack/gostack/services/config"
)

// nova-api's options, with nova's names and defaults.
var (
	Listen     = config.String("DEFAULT", "osapi_compute_listen", "0.0.0.0", "Address the Compute API listens on.")
	ListenPort = config.Port("DEFAULT", "osapi_compute_listen_port", 8774, "Port the Compute API listens on.")
	DefaultAZ  = config.String("DEFAULT", "default_availability_zone", "nova",
		"The availability zone of compute hosts that name none.")
	DefaultScheduleZone = config.String("DEFAULT", "default_schedule_zone", "",
		"The availability zone servers go to when the request names none; empty: any zone.")
	ServiceDownTime = config.Seconds("DEFAULT", "service_down_time", 60*time.Second,
		"A service whose last heartbeat is older than this is down.", config.Min(1))
	MaxLimit               = config.Int("api", "max_limit", 1000, "The largest page a list returns.", config.Min(1))
	EnableInstancePassword = config.Bool("api", "enable_instance_password", true,
		"Return the server's admin password in the create response.")
	PublicEndpoint = config.String("DEFAULT", "public_endpoint", "",
		"Public URL of the service for links; default: the URL of the request.")

	quotaOpts = map[string]*config.Opt[int]{}
)

func init() {
	for k, v := range DefaultQuotas() {
		if v < 0 {
			continue
		}
		quotaOpts[k] = config.Int("quota", k, v, "The default "+k+" quota of a project; -1: unlimited.", config.Min(-1))
	}
}

// Opts returns the API's options.
func Opts() []config.Option {
	out := []config.Option{Listen, ListenPort, DefaultAZ, DefaultScheduleZone, ServiceDownTime, MaxLimit, EnableInstancePassword, PublicEndpoint,
		AllowResizeToSameHost}
	for _, o := range quotaOpts {
		out = append(out, o)
	}
	out = append(out, console.Opts()...)
	return out
}

// SettingsFrom reads the settings from a loaded configuration.
func SettingsFrom(c *config.Config) Settings {
	s := Settings{
		DefaultAvailabilityZone: DefaultAZ.Get(c), DefaultScheduleZone: DefaultScheduleZone.Get(c),
		ServiceDownTime: ServiceDownTime.Get(c), MaxLimit: MaxLimit.Get(c),
		EnableInstancePassword: EnableInstancePassword.Get(c), Quota: map[string]int{},
		AllowResizeToSameHost: AllowResizeToSameHost.Get(c),
	}
	for k, o := range quotaOpts {
		s.Quota[k] = o.Get(c)
	}
	s.Console = console.SettingsFrom(c)
	return s
}
