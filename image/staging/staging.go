package staging

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/fault"
)

// Dir is glance's option naming the staging directory.
var Dir = config.String("os_glance_staging_store", "filesystem_store_datadir", "/var/lib/glance/staging/",
	"Directory where image data is staged for import and format conversion.")

// Opts returns the staging options.
func Opts() []config.Option { return []config.Option{Dir} }

// Area is one staging directory.
type Area struct{ dir string }

// New returns the staging area in dir, creating the directory.
func New(dir string) (*Area, error) {
	if dir == "" {
		return nil, fault.New(fault.Invalid, "[os_glance_staging_store] filesystem_store_datadir is empty.")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("staging directory: %w", err)
	}
	return &Area{dir: dir}, nil
}

// Path is where the staged data of image id is kept.
func (a *Area) Path(id string) string { return filepath.Join(a.dir, id) }

// Stage writes r to the staged file of image id, replacing any, and
// returns its size. On any failure (including ctx ending) no file is left.
func (a *Area) Stage(ctx context.Context, id string, r io.Reader) (int64, error) {
	f, err := os.CreateTemp(a.dir, id+".*.part")
	if err != nil {
		return 0, fmt.Errorf("stage image %s: %w", id, err)
	}
	tmp := f.Name()
	n, err := io.Copy(f, ctxReader{ctx, r})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, a.Path(id))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return n, err
	}
	return n, nil
}

// Temp writes r to a new temporary file and returns its path; the caller
// removes it. On failure no file is left.
func (a *Area) Temp(ctx context.Context, prefix string, r io.Reader) (string, int64, error) {
	f, err := os.CreateTemp(a.dir, prefix+".*.tmp")
	if err != nil {
		return "", 0, fmt.Errorf("staging file: %w", err)
	}
	n, err := io.Copy(f, ctxReader{ctx, r})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return "", n, err
	}
	return f.Name(), n, nil
}

// TempPath returns a fresh path in the area for a file a tool will
// create; the caller removes it.
func (a *Area) TempPath(prefix string) (string, error) {
	f, err := os.CreateTemp(a.dir, prefix+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("staging file: %w", err)
	}
	name := f.Name()
	f.Close()
	return name, os.Remove(name)
}

// Remove deletes the staged data of image id, if any.
func (a *Area) Remove(id string) error {
	err := os.Remove(a.Path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Exists reports whether image id has staged data.
func (a *Area) Exists(id string) bool {
	st, err := os.Stat(a.Path(id))
	return err == nil && st.Mode().IsRegular()
}

// ctxReader stops reading once ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
