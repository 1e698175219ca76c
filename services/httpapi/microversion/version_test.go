package microversion

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Version
		ok   bool
	}{
		{"2.1", V(2, 1), true},
		{"2.0", V(2, 0), true},
		{"3.70", V(3, 70), true},
		{"10.100", V(10, 100), true},
		{"2", Version{}, false},
		{"2.01", Version{}, false},
		{"02.1", Version{}, false},
		{"0.1", Version{}, false},
		{"2.1.1", Version{}, false},
		{" 2.1", Version{}, false},
		{"-2.1", Version{}, false},
		{"latest", Version{}, false},
		{"", Version{}, false},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestCompare(t *testing.T) {
	v := V(2, 37)
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"AtLeast equal", v.AtLeast(2, 37), true},
		{"AtLeast lower", v.AtLeast(2, 9), true},
		{"AtLeast higher minor", v.AtLeast(2, 38), false},
		{"AtLeast higher major", v.AtLeast(3, 0), false},
		{"minor compared numerically", V(2, 10).AtLeast(2, 9), true},
		{"Matches inside", v.Matches(V(2, 1), V(2, 55)), true},
		{"Matches at max", v.Matches(V(2, 1), V(2, 37)), true},
		{"Matches above", v.Matches(V(2, 1), V(2, 36)), false},
		{"Matches below", v.Matches(V(2, 38), Version{}), false},
		{"Matches open max", v.Matches(V(2, 1), Version{}), true},
		{"Matches open min", v.Matches(Version{}, V(2, 40)), true},
		{"Less", V(2, 1).Less(V(2, 2)), true},
		{"IsNull", Version{}.IsNull(), true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if s := V(2, 37).String(); s != "2.37" {
		t.Errorf("String = %q", s)
	}
}
