package api

import (
	"errors"

	"github.com/gostack/gostack/image/staging"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/policy"
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
	ImagePropertyQuota = config.Int("DEFAULT", "image_property_quota", 128,
		"Maximum number of custom properties of an image (os_glance_* not counted); negative means unlimited.")
	ImageTagQuota = config.Int("DEFAULT", "image_tag_quota", 128,
		"Maximum number of tags of an image; negative means unlimited.")
	ImageLocationQuota = config.Int("DEFAULT", "image_location_quota", 10,
		"Maximum number of locations of an image; negative means unlimited.")
	UserStorageQuota = config.String("DEFAULT", "user_storage_quota", "0",
		"Maximum image data per project, in bytes or with a unit B, KB, MB, GB, TB (powers of 1024); 0: no limit.")
	ImageSizeCap = config.Int("DEFAULT", "image_size_cap", 1<<40,
		"Largest image data a user may upload, stage or import, in bytes (1 TiB).", config.Min(1))
	EnforceSecureRBAC = config.Bool("DEFAULT", "enforce_secure_rbac", false,
		"Decide access by the policy rules alone (the reader/member/admin personas), without glance's legacy owner checks. "+
			"Must equal [oslo_policy] enforce_new_defaults.")
)

// Opts returns the API's options.
func Opts() []config.Option {
	return []config.Option{PublicEndpoint, ShowImageDirectURL, ShowMultipleLocations, LimitParamDefault, APILimitMax,
		ImageMemberQuota, ImagePropertyQuota, ImageTagQuota, ImageLocationQuota, UserStorageQuota, ImageSizeCap, EnforceSecureRBAC, staging.Dir,
		EnabledImportMethods, AllowedSchemes, DisallowedSchemes, AllowedHosts, DisallowedHosts, AllowedPorts, DisallowedPorts}
}

// Settings are the API's options as values.
type Settings struct {
	PublicEndpoint        string
	ShowImageDirectURL    bool
	ShowMultipleLocations bool
	LimitParamDefault     int // 25 when zero
	APILimitMax           int // 1000 when zero
	ImageMemberQuota      int // 128 when zero; negative: unlimited
	ImagePropertyQuota    int // 128 when zero; negative: unlimited
	ImageTagQuota         int // 128 when zero; negative: unlimited
	ImageLocationQuota    int // 10 when zero; negative: unlimited
	// UserStorageQuota is the bytes of image data a project may keep;
	// zero or negative: no limit.
	UserStorageQuota int64
	// ImageSizeCap is the largest image data accepted; 0: no cap.
	ImageSizeCap      int64
	EnforceSecureRBAC bool
	// StagingDir keeps uploads being converted and staged imports.
	StagingDir string
	// Import are the [import_filtering_opts] of web-download.
	Import ImportFilter
	// ImportMethods are the enabled import methods.
	ImportMethods []string
}

// SettingsFrom reads the settings from conf.
func SettingsFrom(conf *config.Config) (Settings, error) {
	quota, err := ParseStorageQuota(UserStorageQuota.Get(conf))
	if err != nil {
		return Settings{}, err
	}
	// Glance refuses to start with half of secure RBAC on.
	if EnforceSecureRBAC.Get(conf) != policy.EnforceNewDefaults.Get(conf) {
		return Settings{}, errors.New("[DEFAULT] enforce_secure_rbac does not match [oslo_policy] enforce_new_defaults. " +
			"Please set both to True to enable secure RBAC personas. Otherwise, make sure both are False.")
	}
	return Settings{
		PublicEndpoint:        PublicEndpoint.Get(conf),
		ShowImageDirectURL:    ShowImageDirectURL.Get(conf),
		ShowMultipleLocations: ShowMultipleLocations.Get(conf),
		LimitParamDefault:     LimitParamDefault.Get(conf),
		APILimitMax:           APILimitMax.Get(conf),
		ImageMemberQuota:      ImageMemberQuota.Get(conf),
		ImagePropertyQuota:    ImagePropertyQuota.Get(conf),
		ImageTagQuota:         ImageTagQuota.Get(conf),
		ImageLocationQuota:    ImageLocationQuota.Get(conf),
		UserStorageQuota:      quota,
		ImageSizeCap:          int64(ImageSizeCap.Get(conf)),
		EnforceSecureRBAC:     EnforceSecureRBAC.Get(conf),
		StagingDir:            staging.Dir.Get(conf),
		Import:                ImportFilterFrom(conf),
		ImportMethods:         EnabledImportMethods.Get(conf),
	}, nil
}
