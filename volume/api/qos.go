package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/pagination"
	"github.com/gostack/gostack/volume/store"
)

// QoS specs (api-ref "Quality of service (QoS) specifications", cinder's
// qos_specs_manage extension): named sets of keys with a consumer,
// associated with volume types. Admin only. A spec consumed by the front
// end (front-end or both) reaches the hypervisor in the connection info
// of the type's volumes (qosConnection), where Nova's libvirt driver makes
// it the disk's <iotune>.

// qosConsumers are cinder's QoSConsumerValues.
var qosConsumers = []string{"front-end", "back-end", "both"}

func (a *API) qosRoutes(r chi.Router) {
	r.Get("/qos-specs", a.listQoS)
	r.Post("/qos-specs", a.createQoS)
	r.Get("/qos-specs/{id}", a.showQoS)
	r.Put("/qos-specs/{id}", a.updateQoS)
	r.Delete("/qos-specs/{id}", a.deleteQoS)
	r.Put("/qos-specs/{id}/delete_keys", a.deleteQoSKeys)
	r.Get("/qos-specs/{id}/associations", a.qosAssociations)
	r.Get("/qos-specs/{id}/associate", a.associateQoS)
	r.Get("/qos-specs/{id}/disassociate", a.disassociateQoS)
	r.Get("/qos-specs/{id}/disassociate_all", a.disassociateAllQoS)
}

// qosView is cinder's qos_specs detail view (without links).
func qosView(q store.QoSSpec) map[string]any {
	return map[string]any{"id": q.ID, "name": q.Name, "consumer": q.Consumer, "specs": q.Specs}
}

func (a *API) writeQoS(w http.ResponseWriter, r *http.Request, c caller, q store.QoSSpec) {
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"qos_specs": qosView(q), "links": links(r, c.project(), "qos-specs", q.ID)})
}

// qosFor authorizes rule and loads the spec of the URL.
func (a *API) qosFor(w http.ResponseWriter, r *http.Request, rule string) (caller, store.QoSSpec, bool) {
	c, err := callerOf(r)
	if err == nil {
		err = a.authorize(c, rule, "")
	}
	var q store.QoSSpec
	if err == nil {
		q, err = a.db.GetQoS(r.Context(), chi.URLParam(r, "id"))
	}
	if err != nil {
		fail(w, r, err)
		return c, q, false
	}
	return c, q, true
}

// qosFilters are the list filters that match a spec; cinder filters on
// the columns of its key/value rows, so any other key matches nothing.
var qosFilters = []string{"id", "name", "consumer"}

// listQoS is GET /qos-specs ("List QoS specifications"): marker, limit,
// offset, sort (created_at desc by default) and the filters id, name and
// consumer.
func (a *API) listQoS(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err == nil {
		err = a.authorize(c, "volume_extension:qos_specs_manage:get_all", "")
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	p, err := pagination.Parse(r, pagination.Options{MaxLimit: a.set.OSAPIMaxLimit,
		SortKeys: []string{"created_at", "updated_at", "id", "name", "consumer"}})
	if err != nil {
		fail(w, r, err)
		return
	}
	q := httpapi.QueryOf(r)
	offset, empty, err := offsetOf(q)
	if err != nil {
		fail(w, r, err)
		return
	}
	specs, err := a.db.ListQoS(r.Context(), p.Sort[0].Key, p.Sort[0].Dir)
	if err != nil {
		fail(w, r, err)
		return
	}
	for key, vals := range q.URLValues() {
		switch key {
		case "marker", "limit", "offset", "sort", "sort_key", "sort_dir":
			continue
		}
		if !slices.Contains(qosFilters, key) {
			specs = nil
			break
		}
		want := vals[len(vals)-1]
		specs = slices.DeleteFunc(specs, func(s store.QoSSpec) bool {
			return map[string]string{"id": s.ID, "name": s.Name, "consumer": s.Consumer}[key] != want
		})
	}
	if p.Marker != "" {
		i := slices.IndexFunc(specs, func(s store.QoSSpec) bool { return s.ID == p.Marker })
		if i < 0 {
			fail(w, r, store.QoSNotFound(p.Marker))
			return
		}
		specs = specs[i+1:]
	}
	specs = specs[min(offset, len(specs)):]
	if empty {
		specs = nil
	}
	if len(specs) > p.Limit {
		specs = specs[:p.Limit]
	}
	items := []map[string]any{}
	for _, s := range specs {
		items = append(items, qosView(s))
	}
	out := map[string]any{"qos_specs": items}
	if len(specs) > 0 {
		if l := pagination.CollectionLinks(r, p, len(specs), specs[len(specs)-1].ID); l != nil {
			out["qos_specs_links"] = l
		}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, out)
}

// qosBody reads {"qos_specs": {...}} (cinder's create and set schemas:
// no other top-level key).
func qosBody(r *http.Request) (map[string]json.RawMessage, error) {
	raw, err := onlyMember(r, "qos_specs")
	if err != nil {
		return nil, err
	}
	var specs map[string]json.RawMessage
	if err := json.Unmarshal(raw, &specs); err != nil || specs == nil {
		return nil, fault.New(fault.Invalid, "Invalid input for field/attribute qos_specs. Value: %s. %s is not of type 'object'", short(string(raw)), short(string(raw)))
	}
	return specs, nil
}

// qosValue reads a spec value: a string of at most 255 characters or
// null (cinder's validate_dictionary_string_length).
func qosValue(key string, raw json.RawMessage) (*string, error) {
	if key == "" || len(key) > 255 {
		return nil, invalid("Key \"%s\" has %d characters, which is not between 1 and 255.", short(key), len(key))
	}
	if string(raw) == "null" {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, invalid("Value for key \"%s\" is not a string or unicode", key)
	}
	if len(s) > 255 {
		return nil, invalid("Value for key \"%s\" has %d characters, more than 255.", key, len(s))
	}
	return &s, nil
}

// keysOf lists a body's keys, sorted, for messages.
func keysOf(body map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func badConsumer() error {
	return fault.New(fault.Invalid, "Invalid qos specs: Valid consumer of QoS specs are: %s", strings.Join(qosConsumers, ", "))
}

// createQoS is POST /qos-specs ("Create a QoS specification"): a name and
// any keys; consumer (default back-end) is not among the keys.
func (a *API) createQoS(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	body, err := qosBody(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var name *string
	var nameErr error
	if raw, ok := body["name"]; ok {
		nameErr = json.Unmarshal(raw, &name)
	}
	if nameErr != nil || name == nil || strings.TrimSpace(*name) == "" || len(strings.TrimSpace(*name)) > 255 {
		msg := "'name' is a required property"
		switch {
		case body["name"] == nil:
			msg = "Invalid input for field/attribute qos_specs. Value: " + short(fmt.Sprint(keysOf(body))) + ". " + msg
		case nameErr != nil:
			msg = "Invalid input for field/attribute name. Value: " + short(string(body["name"])) + ". " + short(string(body["name"])) + " is not of type 'string'"
		case name == nil:
			msg = "An invalid 'name' value was provided. The 'name' can not be None."
		case len(strings.TrimSpace(*name)) > 255:
			msg = "An invalid 'name' value was provided. The 'name' can not be greater than 255 characters."
		default:
			msg = "An invalid 'name' value was provided. The 'name' can not be empty."
		}
		fail(w, r, fault.New(fault.Invalid, "%s", msg))
		return
	}
	if err := a.authorize(c, "volume_extension:qos_specs_manage:create", ""); err != nil {
		fail(w, r, err)
		return
	}
	q := store.QoSSpec{ID: uuid.NewString(), Name: strings.TrimSpace(*name), Consumer: "back-end", Specs: map[string]*string{}}
	for k, raw := range body {
		if k == "name" {
			continue
		}
		v, err := qosValue(k, raw)
		if err != nil {
			fail(w, r, err)
			return
		}
		if k == "consumer" {
			if v != nil {
				if !slices.Contains(qosConsumers, *v) {
					fail(w, r, badConsumer())
					return
				}
				q.Consumer = *v
			}
			continue
		}
		if v != nil { // a null value is not kept, as upstream
			q.Specs[k] = v
		}
	}
	q, err = a.db.CreateQoS(r.Context(), q)
	if err != nil {
		fail(w, r, err)
		return
	}
	a.writeQoS(w, r, c, q)
}

// showQoS is GET /qos-specs/{id} ("Show a QoS specification details").
func (a *API) showQoS(w http.ResponseWriter, r *http.Request) {
	if c, q, ok := a.qosFor(w, r, "volume_extension:qos_specs_manage:get"); ok {
		a.writeQoS(w, r, c, q)
	}
}

// qosKeyPattern is the key pattern of cinder's extra_specs_with_null.
var qosKeyPattern = regexp.MustCompile(`^[a-zA-Z0-9-_:. /]{1,255}$`)

// updateQoS is PUT /qos-specs/{id} ("Set keys in a QoS specification"):
// adds or changes keys (and the consumer); answers the request's keys.
func (a *API) updateQoS(w http.ResponseWriter, r *http.Request) {
	body, err := qosBody(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	set := map[string]*string{}
	for k, raw := range body {
		if !qosKeyPattern.MatchString(k) {
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute qos_specs. Value: %s. '%s' does not match any of the regexes: '%s'",
				short(fmt.Sprint(keysOf(body))), short(k), qosKeyPattern))
			return
		}
		var v *string
		if err := json.Unmarshal(raw, &v); err != nil {
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s is not of type 'string', 'null'", k, short(string(raw)), short(string(raw))))
			return
		}
		if v != nil && len(*v) > 255 {
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. '%s' is too long", k, short(*v), short(*v)))
			return
		}
		set[k] = v
	}
	_, q, ok := a.qosFor(w, r, "volume_extension:qos_specs_manage:update")
	if !ok {
		return
	}
	ctx := r.Context()
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		q, err := tx.LockQoS(ctx, q.ID)
		if err != nil {
			return err
		}
		for k, v := range set {
			if k == "consumer" {
				switch {
				case v == nil: // cinder's consumer field takes its default for None
					q.Consumer = "back-end"
				case !slices.Contains(qosConsumers, *v):
					return badConsumer()
				default:
					q.Consumer = *v
				}
				continue
			}
			if _, ok := q.Specs[k]; ok || v != nil { // null for a key the spec lacks changes nothing, as upstream
				q.Specs[k] = v
			}
		}
		_, err = tx.UpdateQoS(ctx, q)
		return err
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"qos_specs": set})
}

// deleteQoS is DELETE /qos-specs/{id}[?force=true] ("Delete a QoS
// specification"): a spec still associated with volume types is 400
// unless forced, which disassociates them first.
func (a *API) deleteQoS(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err == nil {
		err = a.authorize(c, "volume_extension:qos_specs_manage:delete", "")
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	force := false
	if v, ok := httpapi.QueryOf(r).Lookup("force"); ok {
		b, valid := boolParam(v)
		if !valid {
			fail(w, r, fault.New(fault.Invalid, "Value '%s' for 'force' is not a boolean.", v))
			return
		}
		force = b
	}
	ctx := r.Context()
	q, err := a.db.GetQoS(ctx, chi.URLParam(r, "id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		types, err := tx.QoSAssociations(ctx, q.ID)
		if err != nil {
			return err
		}
		if len(types) > 0 && !force {
			return fault.New(fault.Invalid, "Qos specs still in use.")
		}
		return tx.DeleteQoS(ctx, q.ID)
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// deleteQoSKeys is PUT /qos-specs/{id}/delete_keys ("Unset keys in a QoS
// specification"): as upstream, the keys before the first one the spec
// lacks are removed, then that one is 404.
func (a *API) deleteQoSKeys(w http.ResponseWriter, r *http.Request) {
	raw, err := onlyMember(r, "keys")
	if err != nil {
		fail(w, r, err)
		return
	}
	var keys []string
	if err := json.Unmarshal(raw, &keys); err != nil || keys == nil {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute keys. Value: %s. %s is not of type 'array'", short(string(raw)), short(string(raw))))
		return
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if k == "" || len(k) > 255 || seen[k] {
			fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute keys. Value: %s. %s has non-unique elements or a key of a wrong length", short(string(raw)), short(string(raw))))
			return
		}
		seen[k] = true
	}
	_, q, ok := a.qosFor(w, r, "volume_extension:qos_specs_manage:delete")
	if !ok {
		return
	}
	var missing error
	ctx := r.Context()
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		q, err := tx.LockQoS(ctx, q.ID)
		if err != nil {
			return err
		}
		missing = nil // a retried transaction starts again
		for _, k := range keys {
			if _, ok := q.Specs[k]; !ok {
				missing = fault.New(fault.NotFound, "QoS spec %s has no spec with key %s.", q.ID, k)
				break
			}
			delete(q.Specs, k)
		}
		_, err = tx.UpdateQoS(ctx, q)
		return err
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	if missing != nil {
		fail(w, r, missing)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// qosAssociations is GET /qos-specs/{id}/associations ("Get all
// associations for a QoS specification").
func (a *API) qosAssociations(w http.ResponseWriter, r *http.Request) {
	_, q, ok := a.qosFor(w, r, "volume_extension:qos_specs_manage:get_all")
	if !ok {
		return
	}
	types, err := a.db.QoSAssociations(r.Context(), q.ID)
	if err != nil {
		fail(w, r, err)
		return
	}
	items := []map[string]any{}
	for _, t := range types {
		items = append(items, map[string]any{"association_type": "volume_type", "name": t.Name, "id": t.ID})
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"qos_associations": items})
}

// qosAndType authorizes an association change and loads the spec of the
// URL and the live type of ?vol_type_id=, in cinder's order.
func (a *API) qosAndType(w http.ResponseWriter, r *http.Request) (store.QoSSpec, store.VolumeType, bool) {
	var q store.QoSSpec
	var t store.VolumeType
	c, err := callerOf(r)
	if err == nil {
		err = a.authorize(c, "volume_extension:qos_specs_manage:update", "")
	}
	typeID := httpapi.QueryOf(r).Get("vol_type_id")
	if err == nil && typeID == "" {
		err = fault.New(fault.Invalid, "Volume Type id must not be None.")
	}
	if err == nil {
		q, err = a.db.GetQoS(r.Context(), chi.URLParam(r, "id"))
	}
	if err == nil {
		t, err = a.db.GetType(r.Context(), typeID)
	}
	if err != nil {
		fail(w, r, err)
		return q, t, false
	}
	return q, t, true
}

// associateQoS is GET /qos-specs/{id}/associate?vol_type_id= ("Associate
// QoS specification with a volume type"): a type has at most one spec.
func (a *API) associateQoS(w http.ResponseWriter, r *http.Request) {
	q, t, ok := a.qosAndType(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	var err error
	ok = t.QosSpecsID == nil || *t.QosSpecsID == q.ID
	if ok && t.QosSpecsID == nil {
		if ok, err = a.db.AssociateQoS(ctx, t.ID, q.ID); err == nil && !ok {
			t, err = a.db.GetType(ctx, t.ID) // another spec came first
		}
	}
	if err == nil && !ok && t.QosSpecsID != nil {
		err = fault.New(fault.Invalid, "Invalid volume type: Type %s is already associated with another qos specs: %s", t.ID, *t.QosSpecsID)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// disassociateQoS is GET /qos-specs/{id}/disassociate?vol_type_id=
// ("Disassociate QoS specification from a volume type").
func (a *API) disassociateQoS(w http.ResponseWriter, r *http.Request) {
	q, t, ok := a.qosAndType(w, r)
	if !ok {
		return
	}
	if err := a.db.DisassociateQoS(r.Context(), t.ID, q.ID); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// disassociateAllQoS is GET /qos-specs/{id}/disassociate_all
// ("Disassociate a QoS specification from all associations").
func (a *API) disassociateAllQoS(w http.ResponseWriter, r *http.Request) {
	_, q, ok := a.qosFor(w, r, "volume_extension:qos_specs_manage:update")
	if !ok {
		return
	}
	if err := a.db.DisassociateAllQoS(r.Context(), q.ID); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// qosConnection puts the volume's front-end QoS specs into a connection's
// data as "qos_specs" (null when its type has none, or only a back-end
// one), as cinder's manager does in _parse_connection_options.
func (a *API) qosConnection(ctx context.Context, v store.Volume, data map[string]any) error {
	q, err := a.db.TypeQoS(ctx, v.TypeID)
	if err != nil {
		return err
	}
	if specs := frontEndSpecs(q, v.Size); specs != nil {
		data["qos_specs"] = specs
	} else {
		data["qos_specs"] = nil
	}
	return nil
}

// perGBOptions are the keys cinder scales by the volume size when
// <key>_per_gb is set.
var perGBOptions = []string{"read_iops_sec", "read_bytes_sec", "write_iops_sec", "write_bytes_sec", "total_iops_sec", "total_bytes_sec"}

// frontEndSpecs returns the keys of a spec consumed by the front end
// (front-end or both), or nil. As cinder's, <key>_per_gb times the
// volume's size (at least <key>_per_gb_min, at most <key>_max) becomes
// <key>; those three keys are then dropped.
func frontEndSpecs(q *store.QoSSpec, sizeGB int) map[string]any {
	if q == nil || (q.Consumer != "front-end" && q.Consumer != "both") {
		return nil
	}
	specs := map[string]any{}
	for k, v := range q.Specs {
		if v == nil {
			specs[k] = nil
		} else {
			specs[k] = *v
		}
	}
	num := func(k string) (int64, bool, error) {
		v, ok := specs[k]
		if !ok {
			return 0, false, nil
		}
		n, err := strconv.ParseInt(strings.TrimSpace(fmt.Sprint(v)), 10, 64)
		return n, true, err
	}
	for _, opt := range perGBOptions {
		perGB, ok, err := num(opt + "_per_gb")
		if !ok || err != nil {
			continue // nothing to scale, or a value cinder would fail on: left as is
		}
		minimum, _, err1 := num(opt + "_per_gb_min")
		maximum, hasMax, err2 := num(opt + "_max")
		if err1 != nil || err2 != nil {
			continue
		}
		value := max(minimum, perGB*int64(sizeGB))
		if hasMax {
			value = min(value, maximum)
		}
		specs[opt] = value
		delete(specs, opt+"_per_gb")
		delete(specs, opt+"_per_gb_min")
		delete(specs, opt+"_max")
	}
	return specs
}

// qosAllowsRetype is cinder's volume_qos_allows_retype, for os-retype: an
// in-use volume may only change to a type whose front-end QoS is its own
// type's (the same spec, or neither with a front-end or both consumer),
// since the limits of a running guest's disk are not changed.
func (a *API) qosAllowsRetype(ctx context.Context, v store.Volume, to store.VolumeType) (bool, error) {
	if v.Status == "available" {
		return true, nil
	}
	from, err := a.db.TypeQoS(ctx, v.TypeID)
	if err != nil {
		return false, err
	}
	target, err := a.db.TypeQoS(ctx, to.ID)
	if err != nil {
		return false, err
	}
	if from != nil && target != nil && from.ID == target.ID || from == nil && target == nil {
		return true, nil
	}
	frontEnd := func(q *store.QoSSpec) bool { return q != nil && q.Consumer != "back-end" }
	return !frontEnd(from) && !frontEnd(target), nil
}
