package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gostack/gostack/services/fault"
)

// Load reads files in order, later files overriding earlier ones, and
// resolves opts against them. It fails on the first unreadable or malformed
// file; otherwise it checks every option and returns all bad and missing
// values together (joined with errors.Join).
func Load(files []string, opts ...Option) (*Config, error) {
	r := raw{}
	for _, name := range files {
		if err := r.readFile(name); err != nil {
			return nil, err
		}
	}
	return resolve(slices.Clone(files), r, "", opts)
}

// Parse resolves opts against one in-memory file, named name in errors;
// for tests and tools that build a config without touching disk.
func Parse(name, text string, opts ...Option) (*Config, error) {
	r := raw{}
	if err := r.parse(name, strings.NewReader(text)); err != nil {
		return nil, err
	}
	return resolve([]string{name}, r, "", opts)
}

func (r raw) readFile(name string) error {
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return fault.Wrap(err, fault.NotFound, "config file %s does not exist", name)
	}
	if err != nil {
		return fault.Wrap(err, fault.Invalid, "cannot open config file %s", name)
	}
	defer f.Close()
	return r.parse(name, f)
}

// DirFiles returns the *.conf files in dir, sorted by name, as oslo.config
// reads a --config-dir.
func DirFiles(dir string) ([]string, error) {
	if _, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fault.Wrap(err, fault.NotFound, "config directory %s does not exist", dir)
		}
		return nil, fault.Wrap(err, fault.Invalid, "cannot read config directory %s", dir)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.conf"))
	if err != nil {
		return nil, fmt.Errorf("listing config directory %s: %w", dir, err)
	}
	slices.Sort(files)
	return files, nil
}
