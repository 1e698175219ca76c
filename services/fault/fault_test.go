package fault

import (
	"errors"
	"fmt"
	"testing"
)

func TestKindSurvivesWrapping(t *testing.T) {
	base := New(NotFound, "image %s not found", "abc")
	wrapped := fmt.Errorf("lookup: %w", base)
	if got := KindOf(wrapped); got != NotFound {
		t.Fatalf("KindOf = %q, want not_found", got)
	}
	if !errors.Is(wrapped, Of(NotFound)) {
		t.Fatal("errors.Is(wrapped, Of(NotFound)) = false")
	}
	if errors.Is(wrapped, Of(Conflict)) {
		t.Fatal("errors.Is(wrapped, Of(Conflict)) = true")
	}
	if got := MessageOf(wrapped); got != "image abc not found" {
		t.Fatalf("MessageOf = %q", got)
	}
}

func TestCauseIsHidden(t *testing.T) {
	cause := errors.New("rbd: -16 EBUSY on images/abc")
	err := Wrap(cause, Conflict, "the image is in use")
	if MessageOf(err) != "the image is in use" {
		t.Fatalf("MessageOf leaks or loses: %q", MessageOf(err))
	}
	if !errors.Is(err, cause) {
		t.Fatal("cause not reachable through errors.Is")
	}
	if KindOf(errors.New("plain")) != Internal {
		t.Fatal("plain error should be internal")
	}
	if MessageOf(errors.New("secret detail")) == "secret detail" {
		t.Fatal("MessageOf must not show an unclassified error's text")
	}
}
