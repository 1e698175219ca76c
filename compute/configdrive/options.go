package configdrive

import "github.com/gostack/gostack/services/config"

// nova-compute's config drive options, with nova's names and defaults.
var (
	ForceConfigDrive = config.Bool("DEFAULT", "force_config_drive", false,
		"Give every server a config drive, whether or not its create request asked for one.")
	MkisofsCmd = config.String("DEFAULT", "mkisofs_cmd", "genisoimage",
		"The tool that builds config drive ISO images (genisoimage or mkisofs).")
)

// Opts returns the options.
func Opts() []config.Option { return []config.Option{ForceConfigDrive, MkisofsCmd} }

// Settings are how nova-compute makes config drives.
type Settings struct {
	Force      bool   // [DEFAULT] force_config_drive
	MkisofsCmd string // [DEFAULT] mkisofs_cmd
}

// SettingsFrom reads the settings from a loaded configuration.
func SettingsFrom(c *config.Config) Settings {
	return Settings{Force: ForceConfigDrive.Get(c), MkisofsCmd: MkisofsCmd.Get(c)}
}

// Required reports whether an instance gets a config drive (nova's
// configdrive.required_by): asked for at create, or forced.
func (s Settings) Required(requested bool) bool { return requested || s.Force }
