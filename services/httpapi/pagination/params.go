package pagination

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// DefaultMaxLimit is the default of nova's [api] max_limit, cinder's
// osapi_max_limit and glance's api_limit_max.
const DefaultMaxLimit = 1000

// Options describe one list endpoint.
type Options struct {
	// MaxLimit caps the page size; 0 means DefaultMaxLimit.
	MaxLimit int
	// DefaultLimit is the page size without a limit; 0 means MaxLimit.
	// Glance's limit_param_default is 25.
	DefaultLimit int
	// SortKeys are the keys clients may sort on; nil allows any key.
	SortKeys []string
	// DefaultSortKey and DefaultSortDir apply when no key is given;
	// "" means created_at and desc, the default of all three services.
	DefaultSortKey, DefaultSortDir string
}

// Sort is one sort criterion.
type Sort struct {
	Key string
	Dir string // "asc" or "desc"
}

// Params are the parsed list parameters.
type Params struct {
	Limit    int  // page size to fetch: capped, never 0
	HasLimit bool // the client gave a limit
	// Zero is a given limit of 0. Nova answers it with an empty page
	// (its limit is min(max_limit, limit)); the others read it as no limit.
	Zero   bool
	Marker string // id of the last item of the previous page, or ""
	Sort   []Sort // at least one entry
}

// Parse reads the list parameters of r. Errors are Invalid faults with
// the configured service's messages.
func Parse(r *http.Request, opts Options) (Params, error) {
	flavor := httpapi.ConfigFrom(r.Context()).Flavor
	q := httpapi.QueryOf(r)
	maxLimit := opts.MaxLimit
	if maxLimit <= 0 {
		maxLimit = DefaultMaxLimit
	}
	def := opts.DefaultLimit
	if def <= 0 || def > maxLimit {
		def = maxLimit
	}
	p := Params{Limit: def, Marker: q.Get("marker")}

	if values := q.Values("limit"); len(values) > 0 {
		n, err := parseLimit(flavor, values)
		if err != nil {
			return Params{}, err
		}
		p.HasLimit = true
		p.Zero = n == 0
		if n > 0 {
			p.Limit = min(n, maxLimit)
		}
	}
	sorts, err := parseSort(flavor, q, opts)
	if err != nil {
		return Params{}, err
	}
	p.Sort = sorts
	return p, nil
}

// novaLimitPattern is parameter_types.non_negative_integer's pattern.
var novaLimitPattern = regexp.MustCompile(`^[0-9]*$`)

func parseLimit(flavor httpapi.Flavor, values []string) (int, error) {
	if flavor == httpapi.Nova {
		for _, v := range values {
			switch {
			case v == "":
				return 0, fault.New(fault.Invalid, "Invalid input for query parameters limit. Value: . '' is too short")
			case !novaLimitPattern.MatchString(v):
				return 0, fault.New(fault.Invalid,
					"Invalid input for query parameters limit. Value: %s. '%s' does not match '^[0-9]*$'", v, v)
			}
		}
	}
	v := strings.TrimSpace(values[len(values)-1])
	n, err := strconv.Atoi(v)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(v, "-") {
			return int(^uint(0) >> 1), nil // larger than any cap
		}
		return 0, fault.New(fault.Invalid, "limit param must be an integer")
	}
	if n < 0 {
		return 0, fault.New(fault.Invalid, "limit param must be positive")
	}
	return n, nil
}
