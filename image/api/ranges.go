package api

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// byteRange is the part of an image a download sends.
type byteRange struct {
	offset, length int64 // length < 0: to the end
	partial        bool  // a Range was asked for: 206 with Content-Range
	end            int64 // last byte sent, for Content-Range
}

// rangeRe is webob's _rx_range (webob/byterange.py), matched at the start.
var rangeRe = regexp.MustCompile(`(?i)^bytes *= *(\d*) *- *(\d*)`)

// parseRange reads a Range header as glance's get_range_from_request and
// download serializer do; size is the image's size.
func parseRange(header string, size int64) (byteRange, error) {
	if header == "" {
		return byteRange{length: -1, end: size - 1}, nil
	}
	m := rangeRe.FindStringSubmatch(header)
	start, end, ok := int64(0), int64(-1), m != nil
	if ok {
		switch {
		case m[1] == "" && m[2] == "":
			ok = false
		case m[1] == "":
			n, err := strconv.ParseInt(m[2], 10, 64)
			start, ok = -n, err == nil
		default:
			var err error
			start, err = strconv.ParseInt(m[1], 10, 64)
			ok = err == nil
			if ok && m[2] != "" {
				e, err := strconv.ParseInt(m[2], 10, 64)
				end, ok = e+1, err == nil && start < e+1
			}
		}
	}
	if !ok {
		return byteRange{}, httpapi.WithStatus(fault.New(fault.Invalid, "Invalid Range header."), http.StatusRequestedRangeNotSatisfiable)
	}
	if start >= size {
		return byteRange{}, httpapi.WithStatus(fault.New(fault.Invalid,
			"Invalid start position in Range header. Start position MUST be in the inclusive range [0, %d].", size-1),
			http.StatusRequestedRangeNotSatisfiable)
	}
	br := byteRange{partial: true, end: size - 1}
	if start >= 0 {
		br.offset = start
	} else if -start < size {
		br.offset = size + start
	}
	if end >= 0 && end < size {
		br.length = end - br.offset
		br.end = end - 1
	} else {
		br.length = size - br.offset
	}
	return br, nil
}

func (b byteRange) contentRange(size int64) string {
	return fmt.Sprintf("bytes %d-%d/%d", b.offset, b.end, size)
}
