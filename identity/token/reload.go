package token

import (
	"context"
	"errors"
	"time"
)

var errNoRepository = errors.New("reload JWS keys: the provider was not opened from key repositories")

// Reload reads the key repositories again and switches to the new keys.
// On error the loaded keys stay in use.
func (p *Provider) Reload() error {
	_, err := p.reload(true)
	return err
}

// ReloadIfChanged reads the key repositories and switches to the new keys
// when the files differ from the loaded ones (compared by content, so a key
// rewritten within the file system's timestamp granularity is not missed;
// the files are a few hundred bytes). It reports whether it switched. On
// error, such as a private key whose public half is not (yet) in the public
// repository, the loaded keys stay in use.
func (p *Provider) ReloadIfChanged() (bool, error) {
	return p.reload(false)
}

func (p *Provider) reload(force bool) (bool, error) {
	if p.privateDir == "" {
		return false, errNoRepository
	}
	p.reloadMu.Lock()
	defer p.reloadMu.Unlock()
	files, err := readKeyFiles(p.privateDir, p.publicDir)
	if err != nil {
		return false, err
	}
	if !force && files.digest == p.keys.Load().digest {
		return false, nil
	}
	ks, err := files.parse()
	if err != nil {
		return false, err
	}
	p.keys.Store(ks)
	return true, nil
}

// Watch calls ReloadIfChanged on every tick until ctx ends, and reports each
// reload or failure to notify (which may be nil). The daemon passes a
// time.Ticker's channel; tests pass their own.
func (p *Provider) Watch(ctx context.Context, ticks <-chan time.Time, notify func(reloaded bool, err error)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			reloaded, err := p.ReloadIfChanged()
			if notify != nil && (reloaded || err != nil) {
				notify(reloaded, err)
			}
		}
	}
}
