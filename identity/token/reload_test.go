package token

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// After a rotation and a reload, tokens signed with the old key and with
// the new key both validate; once the old public key is pruned, the old
// token stops validating.
func TestRotateThenReloadValidatesOldAndNewTokens(t *testing.T) {
	c := &clock{t0}
	p, priv, pub := openProvider(t, c)
	req := Request{UserID: "u1", Methods: []string{"password"}}
	oldID := mustIssue(t, p, mustPayload(t, req))

	if _, err := Rotate(priv, pub, 2); err != nil {
		t.Fatal(err)
	}
	// Until it reloads, the provider still signs with the old key and
	// cannot verify tokens other nodes sign with the new one.
	other, err := Open(priv, pub, c.now)
	if err != nil {
		t.Fatal(err)
	}
	newID := mustIssue(t, other, mustPayload(t, req))
	if _, err := p.Validate(newID); !errors.Is(err, ErrInvalid) {
		t.Fatalf("before reload: got %v, want ErrInvalid", err)
	}

	reloaded, err := p.ReloadIfChanged()
	if err != nil || !reloaded {
		t.Fatalf("ReloadIfChanged = %v, %v; want true", reloaded, err)
	}
	for name, id := range map[string]string{"old": oldID, "new": newID, "reissued": mustIssue(t, p, mustPayload(t, req))} {
		if _, err := p.Validate(id); err != nil {
			t.Errorf("%s token after reload: %v", name, err)
		}
	}
	if reloaded, err := p.ReloadIfChanged(); err != nil || reloaded {
		t.Errorf("unchanged repository: ReloadIfChanged = %v, %v; want false", reloaded, err)
	}

	if _, err := Rotate(priv, pub, 2); err != nil { // prunes public.pem
		t.Fatal(err)
	}
	if err := p.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Validate(oldID); !errors.Is(err, ErrInvalid) {
		t.Errorf("token of a pruned key: got %v, want ErrInvalid", err)
	}
	if _, err := p.Validate(newID); err != nil {
		t.Errorf("token of the previous key: %v", err)
	}
}

// A private key whose public half has not reached the public repository
// (step 3 of the procedure done before step 2) is refused, and the loaded
// keys stay in use.
func TestReloadRefusesUnmatchedPrivateKey(t *testing.T) {
	c := &clock{t0}
	p, priv, pub := openProvider(t, c)
	id := mustIssue(t, p, mustPayload(t, Request{UserID: "u1", Methods: []string{"password"}}))

	elsewhere, _ := repo(t)
	if _, err := Rotate(elsewhere, filepath.Join(elsewhere, "public"), 2); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(elsewhere, "private.pem"), filepath.Join(priv, "private.pem"))

	if reloaded, err := p.ReloadIfChanged(); err == nil || reloaded {
		t.Fatalf("ReloadIfChanged = %v, %v; want an error", reloaded, err)
	}
	if _, err := p.Validate(id); err != nil {
		t.Errorf("the loaded keys were dropped: %v", err)
	}
	if _, err := p.Issue(mustPayload(t, Request{UserID: "u1", Methods: []string{"password"}})); err != nil {
		t.Errorf("the loaded signing key was dropped: %v", err)
	}

	// Step 2 done late: the public key arrives and the reload succeeds.
	copyFile(t, filepath.Join(elsewhere, "public", "public-1.pem"), filepath.Join(pub, "public-1.pem"))
	if reloaded, err := p.ReloadIfChanged(); err != nil || !reloaded {
		t.Fatalf("ReloadIfChanged = %v, %v; want true", reloaded, err)
	}
	if _, err := p.Validate(id); err != nil {
		t.Errorf("old token after the late public key: %v", err)
	}
}

func TestReloadNoticesRewriteOfSameSize(t *testing.T) {
	p, priv, pub := openProvider(t, &clock{t0})
	fi, err := os.Stat(filepath.Join(pub, "public.pem"))
	if err != nil {
		t.Fatal(err)
	}
	// A new pair of the same sizes, written with the old timestamps.
	if err := CreateKeyPair(priv, pub, true); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{filepath.Join(pub, "public.pem"), filepath.Join(priv, "private.pem")} {
		if err := os.Chtimes(f, fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
	if reloaded, err := p.ReloadIfChanged(); err != nil || !reloaded {
		t.Fatalf("ReloadIfChanged = %v, %v; want true", reloaded, err)
	}
}

func TestWatchReloadsOnTick(t *testing.T) {
	p, priv, pub := openProvider(t, &clock{t0})
	ticks := make(chan time.Time)
	type report struct {
		reloaded bool
		err      error
	}
	reports := make(chan report, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		p.Watch(ctx, ticks, func(reloaded bool, err error) { reports <- report{reloaded, err} })
		close(done)
	}()

	if _, err := Rotate(priv, pub, 2); err != nil {
		t.Fatal(err)
	}
	ticks <- t0
	if r := <-reports; !r.reloaded || r.err != nil {
		t.Fatalf("report %+v, want a reload", r)
	}
	if err := os.Remove(filepath.Join(priv, "private.pem")); err != nil {
		t.Fatal(err)
	}
	ticks <- t0
	if r := <-reports; r.reloaded || r.err == nil {
		t.Fatalf("report %+v, want an error", r)
	}
	cancel()
	<-done
}
