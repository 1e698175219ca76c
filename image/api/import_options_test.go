package api_test

import (
	"testing"

	"github.com/gostack/gostack/image/api"
)

func TestImportFilterAllows(t *testing.T) {
	def := api.ImportFilter{AllowedSchemes: []string{"http", "https"}, AllowedPorts: []string{"80", "443"}}
	for _, c := range []struct {
		f   api.ImportFilter
		uri string
		ok  bool
	}{
		{def, "https://cloud-images.example.org/x.img", true},
		{def, "http://example.org:80/x", true},
		{def, "http://example.org:8080/x", false},
		{def, "ftp://example.org/x", false},
		{def, "file:///etc/passwd", false},
		{def, "", false},
		{def, "http:///x", false},
		{api.ImportFilter{DisallowedHosts: []string{"169.254.169.254"}}, "http://169.254.169.254/latest", false},
		{api.ImportFilter{DisallowedHosts: []string{"169.254.169.254"}}, "http://10.0.0.1/x", true},
		{api.ImportFilter{AllowedHosts: []string{"a.example"}, DisallowedHosts: []string{"a.example"}}, "http://a.example/x", true},
		{api.ImportFilter{DisallowedSchemes: []string{"file"}}, "file:///x", false},
		{api.ImportFilter{DisallowedPorts: []string{"22"}}, "http://h:22/x", false},
	} {
		if got := c.f.Allows(c.uri); got != c.ok {
			t.Errorf("%+v allows %q: %v, want %v", c.f, c.uri, got, c.ok)
		}
	}
}
