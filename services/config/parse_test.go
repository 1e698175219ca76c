package config

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestParseSyntax(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		section string
		option  string
		want    string
	}{
		{"equals", "[DEFAULT]\ndebug = true\n", "DEFAULT", "debug", "true"},
		{"colon", "[DEFAULT]\ndebug: true\n", "DEFAULT", "debug", "true"},
		{"first separator wins", "[DEFAULT]\ntransport_url = rabbit://u:p@h:5672/\n", "DEFAULT", "transport_url", "rabbit://u:p@h:5672/"},
		{"colon before equals", "[DEFAULT]\nk: a=b\n", "DEFAULT", "k", "a=b"},
		{"no spaces", "[DEFAULT]\nk=v\n", "DEFAULT", "k", "v"},
		{"empty value", "[DEFAULT]\nk =\n", "DEFAULT", "k", ""},
		{"double quotes removed", "[DEFAULT]\nk = \"a b\"\n", "DEFAULT", "k", "a b"},
		{"single quotes removed", "[DEFAULT]\nk = 'a b'\n", "DEFAULT", "k", "a b"},
		{"unmatched quote kept", "[DEFAULT]\nk = \"a b\n", "DEFAULT", "k", "\"a b"},
		{"no inline comments", "[DEFAULT]\nk = pa#ss ;x\n", "DEFAULT", "k", "pa#ss ;x"},
		{"comments", "# c\n; c\n[DEFAULT]\n# k = no\nk = yes\n", "DEFAULT", "k", "yes"},
		{"continuation", "[DEFAULT]\nk = a,\n  b,\n\tc\n", "DEFAULT", "k", "a,\nb,\nc"},
		{"indented comment inside continuation", "[DEFAULT]\nk = a,\n  # b,\n  c\n", "DEFAULT", "k", "a,\nc"},
		{"last line wins", "[DEFAULT]\nk = 1\nk = 2\n", "DEFAULT", "k", "2"},
		{"section repeated", "[a]\nk = 1\n[b]\n[a]\nk = 2\n", "a", "k", "2"},
		{"section case-insensitive", "[Database]\nconnection = x\n", "database", "connection", "x"},
		{"default any case", "[default]\nk = v\n", "DEFAULT", "k", "v"},
		{"header spaces", "[ libvirt ]\nk = v\n", "libvirt", "k", "v"},
		{"crlf", "[DEFAULT]\r\nk = v\r\n", "DEFAULT", "k", "v"},
		{"bom", "\uFEFF[DEFAULT]\nk = v\n", "DEFAULT", "k", "v"},
		{"trailing spaces", "[DEFAULT]  \nk = v  \n", "DEFAULT", "k", "v"},
		{"no final newline", "[DEFAULT]\nk = v", "DEFAULT", "k", "v"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("nova.conf", tt.text)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, ok := c.Lookup(tt.section, tt.option)
			if !ok || got != tt.want {
				t.Errorf("Lookup(%q, %q) = %q, %v; want %q", tt.section, tt.option, got, ok, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		line   int
		reason string
	}{
		{"no separator", "[DEFAULT]\ndebug = true\njust some words\n", 3, "expected option = value"},
		{"unterminated header", "[DEFAULT]\nk = v\n\n[database\nconnection = x\n", 4, "missing its closing ]"},
		{"empty header", "[]\n", 1, "empty section name"},
		{"empty key", "[DEFAULT]\n= v\n", 2, "empty option name"},
		{"before any section", "# top\ndebug = true\n[DEFAULT]\n", 2, "before the first [section]"},
		{"indented after header", "[DEFAULT]\n  k = v\n", 2, "unexpected indented line"},
		{"indented after blank", "[DEFAULT]\nk = v\n\n  more\n", 4, "unexpected indented line"},
		{"header with comment", "[DEFAULT] # main\n", 1, "missing its closing ]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("nova.conf", tt.text)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v, want a *ParseError", err)
			}
			if pe.File != "nova.conf" || pe.Line != tt.line || !strings.Contains(pe.Reason, tt.reason) {
				t.Errorf("got %s:%d %q, want nova.conf:%d containing %q", pe.File, pe.Line, pe.Reason, tt.line, tt.reason)
			}
			prefix := "nova.conf:" + strconv.Itoa(tt.line) + ": "
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("message %q does not start with %q", err.Error(), prefix)
			}
		})
	}
}
