package api

import (
	"github.com/gostack/gostack/services/config"
)

// The [DEFAULT] options of glance-api that the API reads, with glance's
// names and defaults.
var (
	PublicEndpoint = config.String("DEFAULT", "public_endpoint", "",
		"Public URL of the service for the versions document; default: the URL of the request.")
	ShowImageDirectURL = config.Bool("DEFAULT", "show_image_direct_url", false,
		"Show the RBD location of an image's data as direct_url (Nova and Cinder clone from it).")
	ShowMultipleLocations = config.Bool("DEFAULT", "show_multiple_locations", false,
		"Show the locations of an image's data and allow changing them.")
	LimitParamDefault = config.Int("DEFAULT", "limit_param_default", 25,
		"Default page size of image lists.", config.Min(1))
	APILimitMax = config.Int("DEFAULT", "api_limit_max", 1000,
		"Largest page size of image lists.", config.Min(1))
	ImageMemberQuota = config.Int("DEFAULT", "image_member_quota", 128,
		"Maximum number of members of an image; negative means unlimited.", config.Min(-1))
)

// Opts returns the API's options.
func Opts() []config.Option {
	return []config.Option{PublicEndpoint, ShowImageDirectURL, ShowMultipleLocations, LimitParamDefault, APILimitMax, ImageMemberQuota}
}

// Settings are the API's options as values.
type Settings struct {
	PublicEndpoint        string
	ShowImageDirectURL    bool
	ShowMultipleLocations bool
	LimitParamDefault     int // 25 when zero
	APILimitMax           int // 1000 when zero
	ImageMemberQuota      int // 128 when zero; negative: unlimited
}

// SettingsFrom reads the settings from conf.
func SettingsFrom(conf *config.Config) Settings {
	return Settings{
		PublicEndpoint:        PublicEndpoint.Get(conf),
		ShowImageDirectURL:    ShowImageDirectURL.Get(conf),
		ShowMultipleLocations: ShowMultipleLocations.Get(conf),
		LimitParamDefault:     LimitParamDefault.Get(conf),
		APILimitMax:           APILimitMax.Get(conf),
		ImageMemberQuota:      ImageMemberQuota.Get(conf),
	}
}
