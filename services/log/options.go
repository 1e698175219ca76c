package log

import "github.com/gostack/gostack/services/config"

// The logging options, with oslo.log's names and sections.
var (
	Debug = config.Bool("DEFAULT", "debug", false,
		"If true, the logging level is DEBUG instead of the default INFO level.")
	LogFile = config.String("DEFAULT", "log_file", "",
		"Name of the log file to write to. Relative to log_dir when that is set. If neither is set, logs go to stderr.")
	LogDir = config.String("DEFAULT", "log_dir", "",
		"Directory of the log file. Without log_file, the file is named after the binary, e.g. nova-compute.log.")
	UseJSON = config.Bool("DEFAULT", "use_json", false,
		"Write each record as one JSON object per line instead of key=value text.")
)

// Opts returns the logging options, for config.Load.
func Opts() []config.Option { return []config.Option{Debug, LogFile, LogDir, UseJSON} }

// FromConfig returns the logging Config of service from conf, which must
// have been loaded with Opts. Host is left empty (the machine's hostname);
// a daemon with its own [DEFAULT] host option sets it.
func FromConfig(conf *config.Config, service string) Config {
	return Config{
		Service: service,
		Debug:   Debug.Get(conf),
		JSON:    UseJSON.Get(conf),
		File:    LogFile.Get(conf),
		Dir:     LogDir.Get(conf),
	}
}
