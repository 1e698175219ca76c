package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Flags holds the --config-file and --config-dir options of a command line,
// in the order they were given, as oslo.config reads them.
type Flags struct {
	sources []source
}

type source struct {
	path string
	dir  bool
}

// AddFlags defines --config-file (repeatable) and --config-dir on fs.
func AddFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{}
	fs.Var(sourceFlag{f, false}, "config-file",
		"path to a config file; repeat it to read several, later files override earlier ones")
	fs.Var(sourceFlag{f, true}, "config-dir",
		"directory whose *.conf files are read in name order, at this point among the --config-file files")
	return f
}

// Given reports whether any --config-file or --config-dir was given.
func (f *Flags) Given() bool { return len(f.sources) > 0 }

// Files returns the config files to read, in order, with each
// --config-dir expanded to its *.conf files.
func (f *Flags) Files() ([]string, error) {
	var files []string
	for _, s := range f.sources {
		if !s.dir {
			files = append(files, s.path)
			continue
		}
		in, err := DirFiles(s.path)
		if err != nil {
			return nil, err
		}
		files = append(files, in...)
	}
	return files, nil
}

// sourceFlag is the flag.Value of --config-file and --config-dir.
type sourceFlag struct {
	f   *Flags
	dir bool
}

func (v sourceFlag) String() string {
	if v.f == nil {
		return ""
	}
	var paths []string
	for _, s := range v.f.sources {
		if s.dir == v.dir {
			paths = append(paths, s.path)
		}
	}
	return strings.Join(paths, ",")
}

func (v sourceFlag) Set(path string) error {
	if path == "" {
		return errors.New("empty path")
	}
	v.f.sources = append(v.f.sources, source{path: path, dir: v.dir})
	return nil
}

// ParseArgs parses a daemon's command line (os.Args[1:]) that has no flags
// of its own and returns the config files to read. Without --config-file or
// --config-dir it returns DefaultFiles(project, prog). It returns
// flag.ErrHelp for -h, after printing the usage.
func ParseArgs(project, prog string, args []string) ([]string, error) {
	return parseArgs(prog, args, os.Stderr, func() ([]string, error) { return DefaultFiles(project, prog) })
}

func parseArgs(prog string, args []string, usage io.Writer, defaults func() ([]string, error)) ([]string, error) {
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.SetOutput(usage)
	f := AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("%s: unexpected argument %q", prog, fs.Arg(0))
	}
	if !f.Given() {
		return defaults()
	}
	return f.Files()
}

// DefaultFiles finds config files where oslo.config looks when none is
// named: <project>.conf and <prog>.conf, each the first found in
// ~/.<project>/, ~/, /etc/<project>/, /etc/, followed by the *.conf files
// of the first <project>.conf.d and <prog>.conf.d directories found there.
func DefaultFiles(project, prog string) ([]string, error) {
	home, _ := os.UserHomeDir()
	var dirs []string
	if home != "" {
		dirs = append(dirs, filepath.Join(home, "."+project), home)
	}
	dirs = append(dirs, filepath.Join("/etc", project), "/etc")
	return searchDefaults(dirs, project, prog)
}

func searchDefaults(dirs []string, project, prog string) ([]string, error) {
	names := []string{project}
	if prog != "" && prog != project {
		names = append(names, prog)
	}
	first := func(base string, wantDir bool) string {
		for _, d := range dirs {
			p := filepath.Join(d, base)
			if st, err := os.Stat(p); err == nil && st.IsDir() == wantDir {
				return p
			}
		}
		return ""
	}
	var files []string
	for _, n := range names {
		if p := first(n+".conf", false); p != "" {
			files = append(files, p)
		}
	}
	for _, n := range names {
		if p := first(n+".conf.d", true); p != "" {
			in, err := DirFiles(p)
			if err != nil {
				return nil, err
			}
			files = append(files, in...)
		}
	}
	return files, nil
}
