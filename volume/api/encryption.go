package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/volume/store"
)

// Volume type encryption (api-ref "Volume type encryption", cinder's
// volume_type_encryption extension): the encryption type of a volume type
// is stored and served as upstream, admin only. There is no key manager
// (Barbican) in this cloud, so no volume can be encrypted: creating a
// volume of a type with an encryption type is refused (refuseEncrypted),
// and volumes stay "encrypted": false.

func (a *API) encryptionRoutes(r chi.Router) {
	r.Get("/types/{id}/encryption", a.showEncryption)
	r.Post("/types/{id}/encryption", a.createEncryption)
	r.Get("/types/{id}/encryption/{key}", a.showEncryptionKey)
	r.Put("/types/{id}/encryption/{key}", a.updateEncryption)
	r.Delete("/types/{id}/encryption/{key}", a.deleteEncryption)
}

// encryptionView is the row as cinder's index answers it (its model's
// columns, deleted ones never shown).
func encryptionView(e store.Encryption) map[string]any {
	return map[string]any{
		"volume_type_id": e.VolumeTypeID, "encryption_id": e.EncryptionID, "provider": e.Provider, "cipher": e.Cipher,
		"key_size": e.KeySize, "control_location": e.ControlLocation, "created_at": timefmt.Naive(e.CreatedAt),
		"updated_at": timefmt.Nullable(timefmt.Naive, e.UpdatedAt), "deleted": false, "deleted_at": nil,
	}
}

// encryptionAuth authorizes rule for the request.
func (a *API) encryptionAuth(w http.ResponseWriter, r *http.Request, rule string) bool {
	c, err := callerOf(r)
	if err == nil {
		err = a.authorize(c, "volume_extension:volume_type_encryption:"+rule, "")
	}
	if err != nil {
		fail(w, r, err)
		return false
	}
	return true
}

// showEncryption is GET /types/{id}/encryption ("Show an encryption
// type"): {} when the type has none.
func (a *API) showEncryption(w http.ResponseWriter, r *http.Request) {
	if !a.encryptionAuth(w, r, "get") {
		return
	}
	e, err := a.typeEncryption(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	if e == nil {
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{})
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, encryptionView(*e))
}

// typeEncryption checks the type exists (by id, as upstream) and returns
// its encryption or nil.
func (a *API) typeEncryption(ctx context.Context, typeID string) (*store.Encryption, error) {
	if _, err := a.db.GetType(ctx, typeID); err != nil {
		return nil, err
	}
	return a.db.GetEncryption(ctx, typeID)
}

// showEncryptionKey is GET /types/{id}/encryption/{key} ("Show encryption
// specs item"): {key: value}.
func (a *API) showEncryptionKey(w http.ResponseWriter, r *http.Request) {
	if !a.encryptionAuth(w, r, "get") {
		return
	}
	id, key := chi.URLParam(r, "id"), chi.URLParam(r, "key")
	e, err := a.typeEncryption(r.Context(), id)
	if err != nil {
		fail(w, r, err)
		return
	}
	if e == nil {
		fail(w, r, store.EncryptionNotFound(id))
		return
	}
	v, ok := encryptionView(*e)[key]
	if !ok {
		fail(w, r, store.EncryptionNotFound(id))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{key: v})
}

// encryptionSpec is a validated request body: the fields given (an
// absent field stays nil) and the body to answer, as cinder answers the
// request's own keys.
type encryptionSpec struct {
	store.EncryptionUpdate
	echo map[string]any
}

// encryptionBody reads {"encryption": {...}} with cinder's
// volume_type_encryption schema; create requires provider and
// control_location.
func encryptionBody(r *http.Request, create bool) (encryptionSpec, error) {
	var spec encryptionSpec
	raw, err := onlyMember(r, "encryption")
	if err != nil {
		return spec, err
	}
	var enc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &enc); err != nil || enc == nil {
		return spec, fault.New(fault.Invalid, "Invalid input for field/attribute encryption. Value: %s. %s is not of type 'object'", short(string(raw)), short(string(raw)))
	}
	if create {
		for _, k := range []string{"provider", "control_location"} {
			if _, ok := enc[k]; !ok {
				return spec, fault.New(fault.Invalid, "Invalid input for field/attribute encryption. Value: %s. '%s' is a required property", short(string(raw)), k)
			}
		}
	}
	spec.echo = map[string]any{}
	bad := func(k string, v json.RawMessage, why string) error {
		var str string
		value := string(v)
		if json.Unmarshal(v, &str) == nil {
			value = str // jsonschema shows a string unquoted there
		}
		return fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s", k, short(value), why)
	}
	str := func(k string, v json.RawMessage, nullable bool) (**string, error) {
		var s *string
		if err := json.Unmarshal(v, &s); err != nil || (s == nil && !nullable) {
			kinds := "'string'"
			if nullable {
				kinds = "'string', 'null'"
			}
			return nil, bad(k, v, short(string(v))+" is not of type "+kinds)
		}
		if s != nil && len(*s) > 255 {
			return nil, bad(k, v, short(string(v))+" is too long")
		}
		spec.echo[k] = s
		return &s, nil
	}
	for k, v := range enc {
		var err error
		switch k {
		case "provider":
			spec.Provider, err = str(k, v, false)
		case "cipher":
			spec.Cipher, err = str(k, v, true)
		case "control_location":
			var loc **string
			if loc, err = str(k, v, false); err == nil && **loc != "front-end" && **loc != "back-end" {
				err = bad(k, v, "'"+short(**loc)+"' is not one of ['front-end', 'back-end']")
			}
			spec.ControlLocation = loc
		case "key_size":
			var n *int
			var why string
			if n, why = keySize(v); why == keySizeFormat {
				err = invalid("%s", why)
			} else if why != "" {
				err = bad(k, v, why)
			}
			spec.KeySize = &n
			spec.echo[k] = n
		default:
			var x any
			_ = json.Unmarshal(v, &x)
			spec.echo[k] = x // accepted and answered, not stored (cinder's additionalProperties)
		}
		if err != nil {
			return spec, err
		}
	}
	return spec, nil
}

// keySizeFormat is cinder's key_size format check message.
const keySizeFormat = "key_size must be an integer."

// keySize reads key_size: an integer from 0 to 2147483647, a string
// holding an integer, or null; why is the schema's complaint, if any.
func keySize(v json.RawMessage) (n *int, why string) {
	s := strings.TrimSpace(string(v))
	if s == "null" {
		return nil, ""
	}
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(v, &str); err != nil {
			return nil, keySizeFormat
		}
		i, err := strconv.Atoi(strings.TrimSpace(str))
		if err != nil {
			return nil, keySizeFormat
		}
		return &i, ""
	}
	i, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil:
		return nil, s + " is not of type 'string', 'integer', 'null'"
	case i < 0:
		return nil, s + " is less than the minimum of 0"
	case i > 2147483647:
		return nil, s + " is greater than the maximum of 2147483647"
	}
	k := int(i)
	return &k, ""
}

// typeInUse is cinder's _encrypted_type_in_use: volumes of the type exist.
func (a *API) typeInUse(ctx context.Context, typeID, verb string) error {
	used, err := a.db.TypeInUse(ctx, typeID)
	if err != nil {
		return err
	}
	if used {
		return fault.New(fault.Invalid, "Cannot %s encryption specs. Volume type in use.", verb)
	}
	return nil
}

// createEncryption is POST /types/{id}/encryption ("Create an encryption
// type"): provider, control_location (front-end or back-end), cipher,
// key_size; 400 when the type has volumes or an encryption type already.
func (a *API) createEncryption(w http.ResponseWriter, r *http.Request) {
	spec, err := encryptionBody(r, true)
	if err != nil {
		fail(w, r, err)
		return
	}
	if !a.encryptionAuth(w, r, "create") {
		return
	}
	ctx, id := r.Context(), chi.URLParam(r, "id")
	if err := a.typeInUse(ctx, id, "create"); err != nil {
		fail(w, r, err)
		return
	}
	e := store.Encryption{EncryptionID: uuid.NewString(), VolumeTypeID: id}
	spec.Apply(&e)
	// A second encryption type is the store's VolumeTypeEncryptionExists.
	_, err = a.db.GetType(ctx, id)
	if err == nil {
		e, err = a.db.CreateEncryption(ctx, e)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	spec.echo["volume_type_id"], spec.echo["encryption_id"] = e.VolumeTypeID, e.EncryptionID
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"encryption": spec.echo})
}

// updateEncryption is PUT /types/{id}/encryption/{encryption_id}
// ("Update an encryption type"; the id in the path is not used, as
// upstream): answers the request's fields.
func (a *API) updateEncryption(w http.ResponseWriter, r *http.Request) {
	spec, err := encryptionBody(r, false)
	if err != nil {
		fail(w, r, err)
		return
	}
	if !a.encryptionAuth(w, r, "update") {
		return
	}
	ctx, id := r.Context(), chi.URLParam(r, "id")
	if _, err := a.db.GetType(ctx, id); err != nil {
		fail(w, r, err)
		return
	}
	if err := a.typeInUse(ctx, id, "update"); err != nil {
		fail(w, r, err)
		return
	}
	if err := a.db.UpdateEncryption(ctx, id, spec.EncryptionUpdate); err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"encryption": spec.echo})
}

// deleteEncryption is DELETE /types/{id}/encryption/{encryption_id}
// ("Delete an encryption type"; the id in the path is not used).
func (a *API) deleteEncryption(w http.ResponseWriter, r *http.Request) {
	if !a.encryptionAuth(w, r, "delete") {
		return
	}
	ctx, id := r.Context(), chi.URLParam(r, "id")
	if err := a.typeInUse(ctx, id, "delete"); err != nil {
		fail(w, r, err)
		return
	}
	if err := a.db.DeleteEncryption(ctx, id); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// refuseEncrypted refuses a volume of an encrypted type: upstream asks
// its key manager (Barbican) for the volume's key, and there is none in
// this cloud (upstream then answers 400 "Key manager error"). Volume
// create calls it; so should a retype to the type.
func (a *API) refuseEncrypted(ctx context.Context, t store.VolumeType) error {
	e, err := a.db.GetEncryption(ctx, t.ID)
	if err != nil || e == nil {
		return err
	}
	provider := "none"
	if e.Provider != nil && *e.Provider != "" {
		provider = *e.Provider
	}
	return fault.New(fault.Invalid, "Invalid volume type: volume type %s is encrypted (provider %s), and encrypted volumes need a key manager (Barbican), which this cloud does not have. Use a volume type without encryption.", t.Name, provider)
}
