package credential

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Repository is a directory of Fernet keys named by number.
type Repository struct {
	Dir string

	mu sync.Mutex // serializes Setup within this process
}

// Load reads the keys; the highest number is the primary. With create,
// a missing or empty repository is set up first (Setup), and created
// reports that this call made it.
func (r *Repository) Load(create bool) (ks *Keys, created bool, err error) {
	ks, err = r.read()
	if err == nil && len(ks.keys) > 0 {
		return ks, false, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	if !create {
		return nil, false, fmt.Errorf("no credential keys in %s (run keystone-manage credential_setup or let keystone create them)", r.Dir)
	}
	if created, err = r.Setup(); err != nil {
		return nil, false, err
	}
	ks, err = r.read()
	return ks, created, err
}

func (r *Repository) read() (*Keys, error) {
	entries, err := os.ReadDir(r.Dir)
	if err != nil {
		return nil, fmt.Errorf("read credential key repository: %w", err)
	}
	type numbered struct {
		n int
		k key
	}
	var found []numbered
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil || n < 0 || e.IsDir() {
			continue // keystone ignores files not named by a number
		}
		data, err := os.ReadFile(filepath.Join(r.Dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read credential key: %w", err)
		}
		k, err := parseKey(strings.TrimSpace(string(data)))
		if err != nil {
			return nil, fmt.Errorf("credential key %s: %w", filepath.Join(r.Dir, e.Name()), err)
		}
		found = append(found, numbered{n, k})
	}
	sort.Slice(found, func(i, j int) bool { return found[i].n > found[j].n })
	ks := &Keys{}
	for _, f := range found {
		ks.keys = append(ks.keys, f.k)
	}
	return ks, nil
}

// Setup creates the repository (0700) with keystone-manage
// credential_setup's two keys, 0 (staged) and 1 (primary), each 0600,
// unless it already holds keys. It reports whether it created them.
func (r *Repository) Setup() (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ks, err := r.read(); err == nil && len(ks.keys) > 0 {
		return false, nil
	}
	if err := os.MkdirAll(r.Dir, 0o700); err != nil {
		return false, fmt.Errorf("create credential key repository: %w", err)
	}
	for _, name := range []string{"0", "1"} {
		text, err := newKeyText()
		if err != nil {
			return false, fmt.Errorf("create credential key: %w", err)
		}
		if err := writeNew(filepath.Join(r.Dir, name), text); err != nil {
			return false, err
		}
	}
	return true, nil
}

// writeNew writes a key file that must not exist yet (another keystone
// process may be setting up the same repository: its keys win).
func writeNew(path, text string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".key-*")
	if err != nil {
		return fmt.Errorf("create credential key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err == nil {
		_, err = tmp.WriteString(text)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("create credential key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create credential key: %w", err)
	}
	return nil
}
