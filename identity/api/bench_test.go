package api_test

import (
	"net/http"
	"testing"
)

// benchGet loads one GET request with the given headers in parallel.
func benchGet(b *testing.B, c *cloud, path string, headers ...string) {
	req, err := http.NewRequest("GET", c.srv.URL+path, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Do(req.Clone(req.Context()))
			if err != nil {
				b.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("GET %s: %d", path, resp.StatusCode)
				return
			}
		}
	})
}

// BenchmarkValidateToken is GET /v3/auth/tokens, a service checking a
// user's token, through HTTP against a real PostgreSQL.
func BenchmarkValidateToken(b *testing.B) {
	c := newCloud(b)
	subject := c.passwordToken("admin", adminPassword, projectScope("admin"))
	benchGet(b, c, "/v3/auth/tokens", "X-Auth-Token", c.admin, "X-Subject-Token", subject)
}

// BenchmarkProjectList is GET /v3/projects as the admin.
func BenchmarkProjectList(b *testing.B) {
	c := newCloud(b)
	benchGet(b, c, "/v3/projects", "X-Auth-Token", c.admin)
}
