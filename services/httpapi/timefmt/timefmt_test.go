package timefmt

import (
	"testing"
	"time"
)

func TestFormatters(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	at := time.Date(2026, 1, 2, 13, 4, 5, 123456789, cet) // 12:04:05.123456789 UTC
	whole := time.Date(2026, 1, 2, 12, 4, 5, 0, time.UTC)
	tests := []struct {
		name string
		f    Formatter
		in   time.Time
		want string
	}{
		{"Seconds drops fraction, converts to UTC", Seconds, at, "2026-01-02T12:04:05Z"},
		{"Naive keeps microseconds, no zone", Naive, at, "2026-01-02T12:04:05.123456"},
		{"Naive pads zeros", Naive, whole, "2026-01-02T12:04:05.000000"},
		{"MicrosZ", MicrosZ, at, "2026-01-02T12:04:05.123456Z"},
		{"MicrosZ pads zeros", MicrosZ, whole, "2026-01-02T12:04:05.000000Z"},
	}
	for _, tt := range tests {
		if got := tt.f(tt.in); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestNullable(t *testing.T) {
	if Nullable(Naive, nil) != nil || Nullable(Naive, &time.Time{}) != nil {
		t.Fatal("unset time must be null")
	}
	at := time.Date(2026, 1, 2, 12, 4, 5, 0, time.UTC)
	if got := Nullable(Naive, &at); got == nil || *got != "2026-01-02T12:04:05.000000" {
		t.Fatalf("Nullable = %v", got)
	}
}

func TestParse(t *testing.T) {
	want := time.Date(2026, 11, 22, 10, 30, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026-11-22T10:30:00Z", want, true},
		{"2026-11-22T10:30:00.000000Z", want, true},
		{"2026-11-22T10:30:00.000000", want, true},
		{"2026-11-22T10:30:00", want, true},
		{"2026-11-22T11:30:00+01:00", want, true},
		{"2026-11-22 10:30:00", want, true},
		{"2026-11-22T10:30", want, true},
		{"2026-11-22", time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), true},
		{"2026-11-22T10:30:00.5", want.Add(500 * time.Millisecond), true},
		{"yesterday", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err == nil) != tt.ok || !got.Equal(tt.want) || (tt.ok && got.Location() != time.UTC) {
			t.Errorf("Parse(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	// Round trips.
	at := time.Date(2026, 1, 2, 12, 4, 5, 123456000, time.UTC)
	for _, f := range []Formatter{Naive, MicrosZ} {
		if got, err := Parse(f(at)); err != nil || !got.Equal(at) {
			t.Errorf("round trip of %q: %v, %v", f(at), got, err)
		}
	}
}
