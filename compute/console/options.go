package console

import (
	"time"

	"github.com/gostack/gostack/services/config"
)

// Options, with nova's names and sections.
var (
	TokenTTL = config.Seconds("consoleauth", "token_ttl", 600*time.Second,
		"How long a console token stays valid.", config.Min(1))
	VNCEnabled = config.Bool("vnc", "enabled", true,
		"Whether guests get a VNC console and the API hands out its URL.")
	BaseURL = config.String("vnc", "novncproxy_base_url", "http://127.0.0.1:6080/vnc_lite.html",
		"Public URL of the noVNC page users are sent to; the token is added as path=?token=...")
	ProxyHost = config.String("vnc", "novncproxy_host", "0.0.0.0",
		"Address nova-novncproxy listens on.")
	ProxyPort = config.Port("vnc", "novncproxy_port", 6080,
		"Port nova-novncproxy listens on.")
	Web = config.String("DEFAULT", "web", "/usr/share/novnc",
		"nova's name for the directory of noVNC's files; [vnc] novnc_web_dir wins when set.")
	WebDir = config.String("vnc", "novnc_web_dir", "",
		"Directory holding noVNC's files (core/, vendor/ of the @novnc/novnc package) that nova-novncproxy serves.")
)

// Opts returns the options nova-api reads (token lifetime and URL).
func Opts() []config.Option { return []config.Option{TokenTTL, VNCEnabled, BaseURL} }

// ProxyOpts returns nova-novncproxy's own options.
func ProxyOpts() []config.Option { return []config.Option{ProxyHost, ProxyPort, Web, WebDir} }

// WebDirFrom is the directory of noVNC's files: [vnc] novnc_web_dir, else
// [DEFAULT] web.
func WebDirFrom(c *config.Config) string {
	if d := WebDir.Get(c); d != "" {
		return d
	}
	return Web.Get(c)
}

// Settings are what issuing a console URL needs.
type Settings struct {
	Enabled  bool
	TokenTTL time.Duration
	BaseURL  string
}

// SettingsFrom reads the settings from a loaded configuration.
func SettingsFrom(c *config.Config) Settings {
	return Settings{Enabled: VNCEnabled.Get(c), TokenTTL: TokenTTL.Get(c), BaseURL: BaseURL.Get(c)}
}

// WithDefaults fills unset fields with nova's defaults.
func (s Settings) WithDefaults() Settings {
	if s.TokenTTL <= 0 {
		s.TokenTTL = 600 * time.Second
	}
	if s.BaseURL == "" {
		s.BaseURL = "http://127.0.0.1:6080/vnc_lite.html"
	}
	return s
}
