package token

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestNumericDateMarshal(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"whole second", time.Unix(1700000000, 0), "1700000000"},
		{"microseconds cut", time.Unix(1700000000, 123456000), "1700000000"},
		{"nanoseconds cut", time.Unix(1700000000, 999), "1700000000"},
		{"epoch", time.Unix(0, 0), "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(dateOf(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := json.Marshal(dateOf(time.Unix(-1, 0))); err == nil {
		t.Error("a time before the epoch marshalled")
	}
}

func TestNumericDateParse(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: "1700000000", want: time.Unix(1700000000, 0)},
		{in: "1700000000.5", want: time.Unix(1700000000, 500000000)},
		{in: "1700000000.123456", want: time.Unix(1700000000, 123456000)},
		{in: "1700000000.1234569", want: time.Unix(1700000000, 123456000)},
		{in: "1700000000.000001", want: time.Unix(1700000000, 1000)},
		{in: "1.7e9", want: time.Unix(1700000000, 0)},
		{in: "1.7000000005E9", want: time.Unix(1700000000, 500000000)},
		{in: "-1", wantErr: true},
		{in: "-1e3", wantErr: true},
		{in: "1700000000.", wantErr: true},
		{in: "1700000000.1x", wantErr: true},
		{in: "null", wantErr: true},
		{in: `"1700000000"`, wantErr: true},
		{in: "", wantErr: true},
		{in: "99999999999999", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseNumericDate(tt.in)
			if tt.wantErr {
				if !errors.Is(err, errNumericDate) {
					t.Fatalf("got %v, %v; want errNumericDate", got, err)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// Decimals parse exactly, without float rounding, to the microsecond.
func TestNumericDateDecimalsAreExact(t *testing.T) {
	for _, ns := range []int64{0, 1000, 999999000, 500000000, 123456000} {
		in := dateOf(time.Unix(4102444799, ns)) // the last second of 2099
		b := []byte(fmt.Sprintf("%d.%06d", in.t.Unix(), in.t.Nanosecond()/1000))
		var out numericDate
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		if !out.set || !out.t.Equal(in.t) {
			t.Errorf("%s: got %v, want %v", b, out.t, in.t)
		}
	}
}
