package httpapi

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Glance renders errors with webob's stock pages (webob/exc.py,
// WSGIHTTPException): the body template "${explanation}<br /><br />\n
// ${detail}\n${html_comment}\n" with an empty detail and comment, served as
// HTML, JSON or plain text depending on Accept.
const webobSuffix = "<br /><br />\n\n\n"

type webobJSON struct {
	Message string `json:"message"`
	Code    string `json:"code"`
	Title   string `json:"title"`
}

func writeWebobError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	title := statusTitle(status)
	statusLine := strconv.Itoa(status) + " " + title
	switch negotiateWebob(r.Header.Values("Accept")) {
	case "text/html":
		page := "<html>\n <head>\n  <title>" + statusLine + "</title>\n </head>\n <body>\n  <h1>" +
			statusLine + "</h1>\n  " + pythonHTMLEscape(msg) + webobSuffix + "\n </body>\n</html>"
		writeRaw(w, status, "text/html; charset=UTF-8", []byte(page))
	case "application/json":
		writeBody(w, status, "application/json", webobJSON{Message: msg + webobSuffix, Code: statusLine, Title: title})
	default:
		writeRaw(w, status, "text/plain; charset=UTF-8", []byte(statusLine+"\n\n"+stripTags(msg+webobSuffix)))
	}
}

// negotiateWebob picks among text/html and application/json as webob's
// acceptable_offers does; "" means neither, which webob answers in plain
// text. An absent Accept header reaches webob as "" and accepts nothing.
func negotiateWebob(accept []string) string {
	offers := []string{"text/html", "application/json"}
	best, bestQ := "", 0.0
	ranges := parseAccept(strings.Join(accept, ","))
	for _, offer := range offers {
		q, spec := 0.0, 0
		for _, rg := range ranges {
			if s := rg.matches(offer); s > spec {
				q, spec = rg.q, s
			}
		}
		if spec > 0 && q > bestQ {
			best, bestQ = offer, q
		}
	}
	return best
}

type acceptRange struct {
	typ, sub string
	q        float64
	params   bool // parameters other than q make a range match nothing offered here
}

// matches returns 3 for an exact match, 2 for type/*, 1 for */*, 0 for none.
func (a acceptRange) matches(offer string) int {
	if a.params {
		return 0
	}
	typ, sub, _ := strings.Cut(offer, "/")
	switch {
	case a.typ == "*" && a.sub == "*":
		return 1
	case a.typ == typ && a.sub == "*":
		return 2
	case a.typ == typ && a.sub == sub:
		return 3
	}
	return 0
}

func parseAccept(header string) []acceptRange {
	var out []acceptRange
	for _, part := range strings.Split(header, ",") {
		fields := strings.Split(part, ";")
		mt := strings.ToLower(strings.TrimSpace(fields[0]))
		typ, sub, ok := strings.Cut(mt, "/")
		if !ok || typ == "" || sub == "" {
			continue
		}
		rg := acceptRange{typ: typ, sub: sub, q: 1}
		for _, p := range fields[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if q, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && q >= 0 && q <= 1 {
					rg.q = q
				}
				break // parameters after q are accept-extensions
			}
			rg.params = true
		}
		out = append(out, rg)
	}
	return out
}

var (
	brRe      = regexp.MustCompile(`(?is)<br.*?>`)
	commentRe = regexp.MustCompile(`<!--|-->`)
	tagRe     = regexp.MustCompile(`(?s)<.*?>`)
)

// stripTags is webob's strip_tags for plain-text error pages.
func stripTags(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "\r", "")
	s = brRe.ReplaceAllString(s, "\n")
	s = commentRe.ReplaceAllString(s, "")
	return tagRe.ReplaceAllString(s, "")
}

// pythonHTMLEscape is webob's html_escape: html.escape(s, quote=True)
// followed by xmlcharrefreplace of everything outside ASCII.
func pythonHTMLEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&#x27;")
		default:
			if r > 127 {
				fmt.Fprintf(&b, "&#%d;", r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}
