package api

import "strings"

// catalogSubstitutions are the values a catalog endpoint URL may name, as
// keystone formats them: `%(project_id)s` or `$(project_id)s` (and the
// older tenant_id) become the token's project, `%(user_id)s` its user.
// project_id is absent from the map for a token without a project.
func catalogSubstitutions(t *tokenInfo) map[string]string {
	subs := map[string]string{"user_id": t.User.ID}
	if t.Project != nil {
		subs["project_id"] = t.Project.ID
		subs["tenant_id"] = t.Project.ID
	}
	return subs
}

// formatEndpointURL fills the named fields of a catalog URL template.
// ok is false when the template names a field subs lacks: keystone then
// leaves the endpoint out of that token's catalog. "%%" stands for "%".
func formatEndpointURL(tpl string, subs map[string]string) (url string, ok bool) {
	tpl = strings.ReplaceAll(tpl, "$(", "%(")
	if !strings.Contains(tpl, "%") {
		return tpl, true
	}
	var b strings.Builder
	for i := 0; i < len(tpl); i++ {
		c := tpl[i]
		if c != '%' || i+1 >= len(tpl) {
			b.WriteByte(c)
			continue
		}
		switch next := tpl[i+1]; {
		case next == '%':
			b.WriteByte('%')
			i++
		case next == '(':
			end := strings.Index(tpl[i:], ")s")
			if end < 0 {
				b.WriteByte(c)
				continue
			}
			v, found := subs[tpl[i+2:i+end]]
			if !found {
				return "", false
			}
			b.WriteString(v)
			i += end + 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}
