package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/gostack/gostack/services/config"
)

// ParseFile reads a policy file's contents: a mapping of rule names to
// check strings, in YAML or JSON (tried first, as oslo does). An empty
// file has no rules. A null value is an error, where oslo would allow
// everyone (see the package doc). Check strings are parsed later, by New.
func ParseFile(data []byte) (map[string]string, error) {
	var raw map[string]any
	if json.Valid(data) {
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, fmt.Errorf("%w: the JSON is not a mapping of rule names to check strings: %w", ErrSyntax, err)
		}
	} else if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: the YAML is not a mapping of rule names to check strings: %w", ErrSyntax, err)
	}
	rules := make(map[string]string, len(raw))
	for name, v := range raw {
		switch v := v.(type) {
		case string:
			rules[name] = v
		case nil:
			// oslo reads null as the empty rule, allowing everyone; an
			// unquoted ! in YAML is null too. Refuse rather than guess.
			return nil, fmt.Errorf("%w: rule %q has no value: write \"!\" (quoted) to allow no one, \"\" to allow everyone", ErrSyntax, name)
		default:
			return nil, fmt.Errorf("%w: rule %q: the value must be a check string, not %T (quote it)", ErrSyntax, name, v)
		}
	}
	return rules, nil
}

// ReadFile reads and parses a policy file. A missing file is an error
// that wraps fs.ErrNotExist.
func ReadFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read policy file: %w", err)
	}
	rules, err := ParseFile(data)
	if err != nil {
		return nil, fmt.Errorf("policy file %s: %w", path, err)
	}
	return rules, nil
}

// OverridesFrom reads the file [oslo_policy] policy_file names. A relative
// name is looked up beside the config files, the last one first, as
// oslo.config's find_file does (we do not search ~/.<project> or /etc).
// When the option is not set and policy.yaml is nowhere, there are no
// overrides, as in oslo; when it is set and the file is missing, that is
// an error, so a typo in the path does not silently restore the defaults.
func OverridesFrom(c *config.Config) (map[string]string, error) {
	name := PolicyFile.Get(c)
	_, explicit := c.Lookup("oslo_policy", "policy_file")
	path, ok := findFile(name, c.Files())
	if !ok {
		if explicit {
			return nil, fmt.Errorf("[oslo_policy] policy_file %s: %w", name, fs.ErrNotExist)
		}
		return nil, nil
	}
	return ReadFile(path)
}

func findFile(name string, configFiles []string) (string, bool) {
	if name == "" {
		return "", false
	}
	if filepath.IsAbs(name) {
		return name, exists(name)
	}
	for _, cf := range slices.Backward(configFiles) {
		p := filepath.Join(filepath.Dir(cf), name)
		if exists(p) {
			return p, true
		}
	}
	return "", false
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}
