package registry

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/fault"
)

// Viewer is who lists: glance's context.owner and is_admin.
type Viewer struct {
	ProjectID string
	IsAdmin   bool
}

// Filters select images, as glance's image_get_all filters do.
type Filters struct {
	// Visibility: "" for the default (community images only the viewer
	// owns), "all", or one visibility.
	Visibility string
	// MemberStatus for shared images: accepted (glance's default),
	// pending, rejected or all.
	MemberStatus string
	// Columns are equality filters on image columns; name, id, status,
	// container_format and disk_format also take glance's "in:a,b"
	// operator.
	Columns map[string]string
	// Min and Max are the *_min / *_max range filters on integer columns
	// (size_min, size_max, ...), by column name.
	Min, Max map[string]string
	// Times are created_at / updated_at filters, "op:timestamp" with
	// glance's operators gt, gte, lt, lte, eq and neq (eq without one).
	Times map[string]string
	// Properties are equality filters on custom properties.
	Properties map[string]string
	// Tags must all be on the image.
	Tags []string
	// OSHidden lists hidden images instead of the others.
	OSHidden bool
	// Protected, when set, filters on protected.
	Protected *bool
}

// SortKey is one ordering criterion.
type SortKey struct {
	Key string
	Dir string // asc or desc
}

// ListOptions are a page request.
type ListOptions struct {
	Viewer  Viewer
	Filters Filters
	Sort    []SortKey // glance's created_at desc when empty; created_at and id are appended
	Limit   int       // > 0
	Marker  string    // id of the last image of the previous page
}

// SortKeys are the keys glance lets clients sort on.
var SortKeys = []string{"name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at"}

// sortable gives each sort key's expression, NULLs folded to a default
// as glance's _paginate_query does, so that markers compare.
var sortable = map[string]string{
	"name":             "coalesce(i.name, '')",
	"status":           "i.status",
	"container_format": "coalesce(i.container_format, '')",
	"disk_format":      "coalesce(i.disk_format, '')",
	"size":             "coalesce(i.size, 0)",
	"id":               "i.id",
	"created_at":       "i.created_at",
	"updated_at":       "i.updated_at",
}

// filterColumns are the image columns a query parameter filters on
// directly (glance: hasattr(models.Image, k)); the rest are properties.
var filterColumns = map[string]string{
	"name": "text", "id": "text", "status": "text", "container_format": "text", "disk_format": "text",
	"owner": "text", "checksum": "text", "os_hash_value": "text", "os_hash_algo": "text",
	"visibility": "text", "size": "int", "virtual_size": "int", "min_disk": "int", "min_ram": "int",
	"protected": "bool", "os_hidden": "bool",
}

// IsColumn reports whether a filter name is an image column.
func IsColumn(name string) bool { _, ok := filterColumns[name]; return ok }

// operatorColumns take "in:" and "eq:" operators.
var operatorColumns = map[string]bool{"name": true, "id": true, "status": true, "container_format": true, "disk_format": true}

type query struct {
	where []string
	args  []any
}

func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *query) add(cond string) { q.where = append(q.where, cond) }

// List returns a page of the images the viewer may see that match the
// filters, in order.
func (r *Registry) List(ctx context.Context, o ListOptions) ([]Image, error) {
	q := &query{}
	q.add("NOT i.deleted")
	q.add("i.status <> 'killed'")
	if err := visibility(q, o.Viewer, o.Filters); err != nil {
		return nil, err
	}
	if err := filters(q, o.Filters); err != nil {
		return nil, err
	}
	sorts := append([]SortKey(nil), o.Sort...)
	if len(sorts) == 0 {
		sorts = []SortKey{{"created_at", "desc"}}
	}
	defDir := sorts[0].Dir
	for _, k := range []string{"created_at", "id"} {
		if !hasKey(sorts, k) {
			sorts = append(sorts, SortKey{k, defDir})
		}
	}
	for _, s := range sorts {
		if _, ok := sortable[s.Key]; !ok {
			return nil, fault.New(fault.Invalid, "Invalid sort key: %s.", s.Key)
		}
	}
	if o.Marker != "" {
		if err := r.markerCondition(ctx, q, o.Marker, sorts); err != nil {
			return nil, err
		}
	}
	order := make([]string, len(sorts))
	for i, s := range sorts {
		dir := "ASC"
		if s.Dir == "desc" {
			dir = "DESC"
		}
		order[i] = sortable[s.Key] + " " + dir
	}
	sql := `SELECT ` + prefixed(imageColumns) + ` FROM images i WHERE ` + strings.Join(q.where, " AND ") +
		` ORDER BY ` + strings.Join(order, ", ") + ` LIMIT ` + q.arg(o.Limit)
	rows, err := r.db.Query(ctx, sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	images, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Image, error) { return scanImage(row) })
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	if err := loadChildren(ctx, r.db, images); err != nil {
		return nil, err
	}
	return images, nil
}

func hasKey(sorts []SortKey, k string) bool {
	for _, s := range sorts {
		if s.Key == k {
			return true
		}
	}
	return false
}

func prefixed(cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = "i." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// visibility adds glance's _select_images_query rules and the visibility
// filter of image_get_all.
func visibility(q *query, v Viewer, f Filters) error {
	if !v.IsAdmin {
		var member string
		if v.ProjectID != "" {
			ms := f.MemberStatus
			if ms == "" {
				ms = "accepted"
			}
			statusCond := ""
			if ms != "all" {
				statusCond = " AND m.status = " + q.arg(ms)
			}
			member = " OR (i.visibility = 'shared' AND EXISTS (SELECT 1 FROM image_members m WHERE m.image_id = i.id AND m.member = " +
				q.arg(v.ProjectID) + statusCond + "))"
			member += " OR i.owner = " + q.arg(v.ProjectID)
		}
		q.add("(i.visibility IN ('public', 'community')" + member + ")")
	}
	switch {
	case f.Visibility == "all":
	case f.Visibility != "":
		q.add("i.visibility = " + q.arg(f.Visibility))
	case v.ProjectID == "":
		q.add("i.visibility <> 'community'")
	default:
		q.add("(i.owner = " + q.arg(v.ProjectID) + " OR i.visibility <> 'community')")
	}
	return nil
}

func filters(q *query, f Filters) error {
	q.add("i.os_hidden = " + q.arg(f.OSHidden))
	if f.Protected != nil {
		q.add("i.protected = " + q.arg(*f.Protected))
	}
	for _, k := range sortedKeys(f.Columns) {
		if err := columnFilter(q, k, f.Columns[k]); err != nil {
			return err
		}
	}
	for _, bound := range []struct {
		m  map[string]string
		op string
	}{{f.Min, ">="}, {f.Max, "<="}} {
		for _, k := range sortedKeys(bound.m) {
			n, err := strconv.ParseInt(strings.TrimSpace(bound.m[k]), 10, 64)
			if err != nil {
				return fault.New(fault.Invalid, "Unable to filter on a range with a non-numeric value.")
			}
			if filterColumns[k] != "int" {
				return fault.New(fault.Invalid, "Unable to filter on a range of %s.", k)
			}
			q.add("i." + k + " " + bound.op + " " + q.arg(n))
		}
	}
	for _, k := range sortedKeys(f.Times) {
		if err := timeFilter(q, k, f.Times[k]); err != nil {
			return err
		}
	}
	for _, k := range sortedKeys(f.Properties) {
		q.add("EXISTS (SELECT 1 FROM image_properties p WHERE p.image_id = i.id AND p.name = " +
			q.arg(k) + " AND p.value = " + q.arg(f.Properties[k]) + ")")
	}
	for _, t := range f.Tags {
		q.add("EXISTS (SELECT 1 FROM image_tags t WHERE t.image_id = i.id AND t.value = " + q.arg(t) + ")")
	}
	return nil
}

// timeOps are glance's comparison operators on created_at and
// updated_at.
var timeOps = map[string]string{"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "eq": "=", "neq": "<>"}

// timeFilter is glance's created_at / updated_at filter: an operator
// and an ISO 8601 time ("gte:2016-04-18T09:28:56Z").
func timeFilter(q *query, k, v string) error {
	op, val := "eq", v
	if left, right, ok := strings.Cut(v, ":"); ok && !looksLikeTime(v) {
		op, val = left, right
	}
	sqlOp, ok := timeOps[op]
	if !ok {
		return fault.New(fault.Invalid, "Unable to filter by unknown operator '%s'.", op)
	}
	t, err := parseFilterTime(val)
	if err != nil {
		return fault.New(fault.Invalid, "Unable to filter on %s: %q is not an ISO 8601 time (2016-04-18T09:28:56Z).", k, val)
	}
	q.add("i." + k + " " + sqlOp + " " + q.arg(t))
	return nil
}

// parseFilterTime reads the ISO 8601 forms glance's timeutils accepts.
func parseFilterTime(s string) (time.Time, error) {
	var err error
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999", "2006-01-02 15:04:05", "2006-01-02"} {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, err
}

func columnFilter(q *query, k, v string) error {
	kind, ok := filterColumns[k]
	if !ok {
		return fault.New(fault.Invalid, "Unknown filter %s.", k)
	}
	if operatorColumns[k] {
		op, val := splitOp(v)
		switch op {
		case "eq":
			q.add("i." + k + " = " + q.arg(val))
		case "in":
			values, err := splitQuoted(val)
			if err != nil {
				return err
			}
			q.add("i." + k + " = ANY(" + q.arg(values) + ")")
		default:
			return fault.New(fault.Invalid, "Unable to filter by unknown operator '%s'.", op)
		}
		return nil
	}
	switch kind {
	case "int":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			// glance compares the column with the string and finds nothing.
			q.add("false")
			return nil
		}
		q.add("i." + k + " = " + q.arg(n))
	case "bool":
		q.add("i." + k + " = " + q.arg(strings.EqualFold(v, "true")))
	default:
		q.add("i." + k + " = " + q.arg(v))
	}
	return nil
}

// splitOp is glance's split_filter_op: "in:a,b" -> in, "a,b"; a value
// without a colon, or a timestamp, is eq.
func splitOp(expr string) (string, string) {
	left, right, ok := strings.Cut(expr, ":")
	if !ok {
		return "eq", expr
	}
	if looksLikeTime(expr) {
		return "eq", expr
	}
	return left, right
}

func looksLikeTime(s string) bool {
	return len(s) >= 16 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ')
}

// splitQuoted splits "a,\"b,c\",d" as glance's
// split_filter_value_for_quotes does.
func splitQuoted(v string) ([]string, error) {
	var out []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && i+1 < len(v) && v[i+1] == '"':
			cur.WriteByte('"')
			i++
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if quoted {
		return nil, fault.New(fault.Invalid, "Invalid filter value %s. The quote is not closed.", v)
	}
	return append(out, cur.String()), nil
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// markerCondition restricts the page to rows after the marker image in
// the sort order. A marker that does not exist is glance's 400.
func (r *Registry) markerCondition(ctx context.Context, q *query, marker string, sorts []SortKey) error {
	exprs := make([]string, len(sorts))
	for i, s := range sorts {
		exprs[i] = sortable[s.Key]
	}
	values := make([]any, len(sorts))
	ptrs := make([]any, len(sorts))
	for i := range values {
		ptrs[i] = &values[i]
	}
	err := r.db.QueryRow(ctx, `SELECT `+strings.Join(exprs, ", ")+` FROM images i WHERE i.id = $1 AND NOT i.deleted`,
		marker).Scan(ptrs...)
	if errors.Is(err, pgx.ErrNoRows) {
		return fault.New(fault.Invalid, "No image found with ID %s", marker)
	}
	if err != nil {
		return fmt.Errorf("list images: marker: %w", err)
	}
	var ors []string
	for i := range sorts {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, exprs[j]+" = "+q.arg(values[j]))
		}
		op := ">"
		if sorts[i].Dir == "desc" {
			op = "<"
		}
		ands = append(ands, exprs[i]+" "+op+" "+q.arg(values[i]))
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	q.add("(" + strings.Join(ors, " OR ") + ")")
	return nil
}
