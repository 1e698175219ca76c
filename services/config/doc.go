// Package config reads oslo.config style INI files: the sections and option
// names OpenStack operators already know ([DEFAULT] transport_url,
// [database] connection, [libvirt] images_rbd_pool, a [ceph-1] section per
// Cinder backend).
//
// The package that uses an option declares it once, as a package-level
// value with its kind, default and help text:
//
//	var Connection = config.String("database", "connection", "",
//		"PostgreSQL URL of the nova database.", config.Required(), config.Secret())
//
// Declarations are plain immutable values; there is no global registry. A
// daemon's main collects the options of the packages it wires (each exposes
// them, by convention, as Opts()), reads the files named on its command
// line, and then every package reads its typed values:
//
//	files, err := config.ParseArgs("nova", "nova-compute", os.Args[1:])
//	conf, err := config.Load(files, slices.Concat(log.Opts(), db.Opts())...)
//	url := db.Connection.Get(conf)
//
// Load parses and checks every declared option up front and reports every
// bad value at once, each error naming the file, line, section and option;
// Get never fails afterwards. Options in the files that nobody declared are
// ignored, as oslo.config does, but stay readable through Lookup and
// Sections.
//
// Sections named only at run time, such as Cinder's per-backend sections
// listed in [DEFAULT] enabled_backends, are read with Section: the same
// option set is resolved from [ceph-1], falling back to the options' own
// group (e.g. [backend_defaults]) and then to their defaults.
//
// File syntax follows oslo.config's parser: "key = value" or "key: value";
// full-line comments starting with # or ; (no inline comments, so values
// may contain them); one pair of surrounding quotes is removed; indented
// lines continue the previous value; later files override earlier ones.
// Section names other than DEFAULT are case-insensitive.
//
// We parse files ourselves rather than with gopkg.in/ini.v1 because ini.v1's
// syntax errors carry no line numbers and its rules (inline comments, no
// continuation lines) differ from oslo.config's.
//
// Values: an empty value ("report_interval =") means "not set" for numbers,
// booleans, ports and choices, which then take their default; for strings
// and lists the empty value is a value. Durations are whole seconds, as
// oslo.config's integer options like report_interval are.
package config
