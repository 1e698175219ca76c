package configdrive

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Options are how Build runs the ISO tool.
type Options struct {
	// MkisofsCmd is nova's [DEFAULT] mkisofs_cmd ("genisoimage").
	MkisofsCmd string
	// Publisher is written into the volume descriptor ("gostack").
	Publisher string
	// Timeout bounds the tool; 0 means one minute.
	Timeout time.Duration
}

// Build writes m's config drive as an ISO 9660 image to out (replacing
// it). RandomSeed is filled when empty. Nothing is left behind on failure.
func Build(ctx context.Context, m Metadata, out string, o Options) (err error) {
	if o.MkisofsCmd == "" {
		o.MkisofsCmd = "genisoimage"
	}
	if o.Publisher == "" {
		o.Publisher = "gostack"
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Minute
	}
	if m.RandomSeed == "" {
		seed := make([]byte, 512)
		_, _ = rand.Read(seed)
		m.RandomSeed = base64.StdEncoding.EncodeToString(seed)
	}
	files, err := Files(m)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "configdrive-")
	if err != nil {
		return fmt.Errorf("configdrive: %w", err)
	}
	defer os.RemoveAll(dir)
	for p, b := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
			return fmt.Errorf("configdrive: %w", err)
		}
		// user_data and admin_pass may be secret: readable by us only.
		if err := os.WriteFile(full, b, 0o600); err != nil {
			return fmt.Errorf("configdrive: %w", err)
		}
	}
	defer func() {
		if err != nil {
			_ = os.Remove(out)
		}
	}()
	cctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	// nova's arguments (virt/configdrive.py _make_iso9660).
	cmd := exec.CommandContext(cctx, o.MkisofsCmd, "-o", out, "-ldots", "-allow-lowercase", "-allow-multidot",
		"-l", "-publisher", o.Publisher, "-quiet", "-J", "-r", "-V", Label, dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if _, lerr := exec.LookPath(o.MkisofsCmd); lerr != nil {
			return fmt.Errorf("configdrive: %s is not installed (Debian package genisoimage): %w", o.MkisofsCmd, lerr)
		}
		return fmt.Errorf("configdrive: %s failed: %w: %s", o.MkisofsCmd, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
