package manager

import (
	"time"

	"github.com/gostack/gostack/scheduler/filter"
	"github.com/gostack/gostack/scheduler/hoststate"
	"github.com/gostack/gostack/services/config"
)

// Options of nova-scheduler, with nova's names and defaults.
var (
	EnabledFilters = config.List("filter_scheduler", "enabled_filters", filter.DefaultEnabled,
		"Filters the scheduler applies, in order (known: ComputeFilter, AvailabilityZoneFilter, RamFilter, DiskFilter, CoreFilter, ImagePropertiesFilter, ServerGroupAntiAffinityFilter, ServerGroupAffinityFilter, AggregateInstanceExtraSpecsFilter).")
	RAMWeightMultiplier = config.Float("filter_scheduler", "ram_weight_multiplier", 1.0,
		"Multiplier of the free-RAM weight: positive spreads instances, negative stacks them.")
	CPUWeightMultiplier = config.Float("filter_scheduler", "cpu_weight_multiplier", 1.0,
		"Multiplier of the free-vCPU weight: positive spreads instances, negative stacks them.")
	DiskWeightMultiplier = config.Float("filter_scheduler", "disk_weight_multiplier", 1.0,
		"Multiplier of the free-disk weight: positive spreads instances, negative stacks them.")
	SoftAffinityWeightMultiplier = config.Float("filter_scheduler", "soft_affinity_weight_multiplier", 1.0,
		"Multiplier of the weight preferring hosts with more members of the request's soft-affinity server group.")
	SoftAntiAffinityWeightMultiplier = config.Float("filter_scheduler", "soft_anti_affinity_weight_multiplier", 1.0,
		"Multiplier of the weight preferring hosts with fewer members of the request's soft-anti-affinity server group.")
	ServiceDownTime = config.Seconds("DEFAULT", "service_down_time", 60*time.Second,
		"A service whose last heartbeat is older than this is down.")
	DefaultAvailabilityZone = config.String("DEFAULT", "default_availability_zone", hoststate.DefaultZone,
		"Availability zone of compute hosts whose service names none.")
)

// Opts returns the scheduler's options.
func Opts() []config.Option {
	return []config.Option{EnabledFilters, RAMWeightMultiplier, CPUWeightMultiplier, DiskWeightMultiplier,
		ServiceDownTime, DefaultAvailabilityZone, SoftAffinityWeightMultiplier, SoftAntiAffinityWeightMultiplier}
}

// Settings are the options as values.
type Settings struct {
	EnabledFilters          []string
	RAMWeightMultiplier     float64
	CPUWeightMultiplier     float64
	DiskWeightMultiplier    float64
	ServiceDownTime         time.Duration
	DefaultAvailabilityZone string

	SoftAffinityWeightMultiplier     float64
	SoftAntiAffinityWeightMultiplier float64
}

// SettingsFrom reads the settings from conf.
func SettingsFrom(conf *config.Config) Settings {
	return Settings{
		EnabledFilters:          EnabledFilters.Get(conf),
		RAMWeightMultiplier:     RAMWeightMultiplier.Get(conf),
		CPUWeightMultiplier:     CPUWeightMultiplier.Get(conf),
		DiskWeightMultiplier:    DiskWeightMultiplier.Get(conf),
		ServiceDownTime:         ServiceDownTime.Get(conf),
		DefaultAvailabilityZone: DefaultAvailabilityZone.Get(conf),

		SoftAffinityWeightMultiplier:     SoftAffinityWeightMultiplier.Get(conf),
		SoftAntiAffinityWeightMultiplier: SoftAntiAffinityWeightMultiplier.Get(conf),
	}
}

// DefaultSettings are the defaults of every option.
func DefaultSettings() Settings {
	return Settings{
		EnabledFilters:          EnabledFilters.Default(),
		RAMWeightMultiplier:     RAMWeightMultiplier.Default(),
		CPUWeightMultiplier:     CPUWeightMultiplier.Default(),
		DiskWeightMultiplier:    DiskWeightMultiplier.Default(),
		ServiceDownTime:         ServiceDownTime.Default(),
		DefaultAvailabilityZone: DefaultAvailabilityZone.Default(),

		SoftAffinityWeightMultiplier:     SoftAffinityWeightMultiplier.Default(),
		SoftAntiAffinityWeightMultiplier: SoftAntiAffinityWeightMultiplier.Default(),
	}
}
