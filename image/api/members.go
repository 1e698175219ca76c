package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/services/policy"
)

// memberView is an image member as glance's _format_image_member renders
// it, in glance's key order.
type memberView struct {
	MemberID  string `json:"member_id"`
	ImageID   string `json:"image_id"`
	Status    string `json:"status"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	Schema    string `json:"schema"`
}

func viewMember(m registry.Member) memberView {
	return memberView{MemberID: m.MemberID, ImageID: m.ImageID, Status: m.Status,
		CreatedAt: timefmt.Seconds(m.CreatedAt), UpdatedAt: timefmt.Seconds(m.UpdatedAt),
		Schema: "/v2/schemas/member"}
}

// memberImage is the controller's _lookup_image: the image the caller may
// see, else 404 "Image <id> not found.".
func (a *API) memberImage(r *http.Request) (caller, registry.Image, error) {
	c, err := callerOf(r)
	if err != nil {
		return caller{}, registry.Image{}, err
	}
	id := chi.URLParam(r, "image_id")
	im, err := a.getImage(r.Context(), c, id)
	if err != nil {
		return caller{}, registry.Image{}, reword(err, fault.NotFound, "Image %s not found.", id)
	}
	return c, im, nil
}

// ownership is glance's _check_visibility_and_ownership with
// enforce_secure_rbac off; check is "create", "update", "delete" or "".
func ownership(c caller, im registry.Image, check string) error {
	if im.Visibility != "shared" {
		return fault.New(fault.Forbidden, "Only shared images have members.")
	}
	if c.isAdmin() {
		return nil
	}
	owner := ""
	if im.Owner != nil {
		owner = *im.Owner
	}
	switch {
	case check == "create" && (im.Owner == nil || owner != c.project()):
		return fault.New(fault.Forbidden, "You are not permitted to create image members for the image.")
	case check == "update" && owner == c.project():
		return fault.New(fault.Forbidden, "You are not permitted to modify 'status' on this image member.")
	case check == "delete" && owner != c.project():
		return fault.New(fault.Forbidden, "You cannot delete image member.")
	}
	return nil
}

// memberPolicy checks a member rule (glance's MemberAPIPolicy): the
// target is the image, with member_id and member_status of the caller's
// own membership, if any.
func (a *API) memberPolicy(r *http.Request, c caller, im registry.Image, rule string) error {
	t := imageTarget(im)
	if m, err := a.reg.GetMember(r.Context(), im.ID, c.project()); err == nil {
		t["member_id"] = m.MemberID
		t["member_status"] = m.Status
	} else if fault.KindOf(err) != fault.NotFound {
		return err
	}
	return a.policy.Enforce(c.creds, rule, policy.Target(t))
}

// lookupMember is the controller's _lookup_member: get_member policy,
// then glance's authorization layer (only an admin, the owner or the
// member itself may get a membership).
func (a *API) lookupMember(r *http.Request, c caller, im registry.Image, memberID string) (registry.Member, error) {
	denied := func(err error) error {
		return fault.Wrap(err, fault.Forbidden, "You are not authorized to lookup the members of the image %s.", im.ID)
	}
	if err := a.memberPolicy(r, c, im, "get_member"); err != nil {
		if fault.KindOf(err) == fault.Forbidden {
			return registry.Member{}, denied(err)
		}
		return registry.Member{}, err
	}
	if !c.isAdmin() && c.project() != memberID && (im.Owner == nil || *im.Owner != c.project()) {
		return registry.Member{}, denied(fmt.Errorf("you cannot get image member for %s", memberID))
	}
	return a.reg.GetMember(r.Context(), im.ID, memberID)
}

// lookupError is an error of lookupMember, which the controllers pass on
// unreworded (glance raises it as an HTTP error already).
type lookupError struct{ error }

func (e lookupError) Unwrap() error { return e.error }

// forbiddenAs rewords any 403 as the controller's catch-all message.
func forbiddenAs(err error, format string, args ...any) error {
	if fault.KindOf(err) == fault.Forbidden {
		return fault.Wrap(err, fault.Forbidden, format, args...)
	}
	return err
}

// listMembers is GET /v2/images/{image_id}/members (api-ref: List image
// members).
func (a *API) listMembers(w http.ResponseWriter, r *http.Request) {
	c, im, err := a.memberImage(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	err = ownership(c, im, "")
	if err == nil {
		err = a.memberPolicy(r, c, im, "get_members")
	}
	if err != nil {
		if fault.KindOf(err) == fault.Forbidden {
			err = fault.Wrap(err, fault.Forbidden, "Not allowed to list members for image %s: %s", im.ID, fault.MessageOf(err))
		}
		httpapi.WriteError(w, r, err)
		return
	}
	members, err := a.reg.ListMembers(r.Context(), im.ID)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	owner := im.Owner != nil && *im.Owner == c.project()
	out := []memberView{}
	for _, m := range members {
		if !c.isAdmin() && !owner && m.MemberID != c.project() {
			continue
		}
		if a.memberPolicy(r, c, im, "get_member") != nil {
			continue
		}
		out = append(out, viewMember(m))
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"members": out, "schema": "/v2/schemas/members"})
}

// showMember is GET /v2/images/{image_id}/members/{member_id} (api-ref:
// Show image member details); any refusal is 404, as glance.
func (a *API) showMember(w http.ResponseWriter, r *http.Request) {
	c, im, err := a.memberImage(r)
	if err == nil {
		err = ownership(c, im, "")
	}
	var m registry.Member
	if err == nil {
		m, err = a.lookupMember(r, c, im, chi.URLParam(r, "member_id"))
	}
	if err != nil {
		if fault.KindOf(err) == fault.Forbidden {
			err = fault.Wrap(err, fault.NotFound, "%s", fault.MessageOf(err))
		}
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, viewMember(m))
}

// createMember is POST /v2/images/{image_id}/members (api-ref: Create
// image member): 200 with the pending member.
func (a *API) createMember(w http.ResponseWriter, r *http.Request) {
	raw, err := decodeMemberBody(r, "member")
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	memberID := memberString(raw)
	if memberID == "" {
		httpapi.WriteError(w, r, fault.New(fault.Invalid, "Member can't be empty"))
		return
	}
	c, im, err := a.memberImage(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	m, err := a.addMember(r, c, im, memberID)
	if err != nil {
		httpapi.WriteError(w, r, forbiddenAs(err, "Not allowed to create members for image %s.", im.ID))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, viewMember(m))
}

func (a *API) addMember(r *http.Request, c caller, im registry.Image, memberID string) (registry.Member, error) {
	if err := ownership(c, im, "create"); err != nil {
		return registry.Member{}, err
	}
	if err := a.memberPolicy(r, c, im, "add_member"); err != nil {
		return registry.Member{}, err
	}
	if quota := a.set.ImageMemberQuota; quota >= 0 {
		n, err := a.reg.CountMembers(r.Context(), im.ID)
		if err != nil {
			return registry.Member{}, err
		}
		if n+1 > quota {
			return registry.Member{}, fault.New(fault.TooLarge,
				"Image member limit exceeded for image %s: The limit has been exceeded on the number of allowed image members for this image. Attempted: %d, Maximum: %d:",
				im.ID, n+1, quota)
		}
	}
	return a.reg.AddMember(r.Context(), im.ID, memberID)
}

// updateMember is PUT /v2/images/{image_id}/members/{member_id} (api-ref:
// Update image member): only the member itself (or an admin) sets its
// status.
func (a *API) updateMember(w http.ResponseWriter, r *http.Request) {
	status, err := decodeMemberBody(r, "status")
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	c, im, err := a.memberImage(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	memberID := chi.URLParam(r, "member_id")
	m, err := a.setMemberStatus(r, c, im, memberID, status)
	if err != nil {
		if _, ok := err.(lookupError); ok {
			err = err.(lookupError).error
		} else {
			err = forbiddenAs(err, "Not allowed to update members for image %s.", im.ID)
		}
		httpapi.WriteError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, viewMember(m))
}

func (a *API) setMemberStatus(r *http.Request, c caller, im registry.Image, memberID string, status any) (registry.Member, error) {
	if err := ownership(c, im, "update"); err != nil {
		return registry.Member{}, err
	}
	if _, err := a.lookupMember(r, c, im, memberID); err != nil {
		return registry.Member{}, lookupError{err}
	}
	if err := a.memberPolicy(r, c, im, "modify_member"); err != nil {
		return registry.Member{}, err
	}
	s, _ := status.(string)
	switch s {
	case registry.MemberPending, registry.MemberAccepted, registry.MemberRejected:
	default:
		return registry.Member{}, fault.New(fault.Invalid, `Incorrect request: Status must be "pending", "accepted" or "rejected".`)
	}
	if !c.isAdmin() && c.project() != memberID {
		return registry.Member{}, fault.New(fault.Forbidden, "You cannot update image member %s", memberID)
	}
	return a.reg.SetMemberStatus(r.Context(), im.ID, memberID, s)
}

// deleteMember is DELETE /v2/images/{image_id}/members/{member_id}
// (api-ref: Delete image member): 204; only the owner (or an admin).
func (a *API) deleteMember(w http.ResponseWriter, r *http.Request) {
	c, im, err := a.memberImage(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	memberID := chi.URLParam(r, "member_id")
	err = ownership(c, im, "delete")
	if err == nil {
		if _, lerr := a.lookupMember(r, c, im, memberID); lerr != nil {
			httpapi.WriteError(w, r, lerr) // _lookup_member's own words
			return
		}
		if err = a.memberPolicy(r, c, im, "delete_member"); err == nil {
			err = a.reg.DeleteMember(r.Context(), im.ID, memberID)
		}
	}
	if err != nil {
		httpapi.WriteError(w, r, forbiddenAs(err, "Not allowed to delete members for image %s.", im.ID))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// decodeMemberBody reads {"member": ...} or {"status": ...} as glance's
// RequestDeserializer.create and update.
func decodeMemberBody(r *http.Request, key string) (any, error) {
	v, err := readJSON(r)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		if key == "member" {
			return nil, fault.New(fault.Invalid, `Expected a member in the form: {"member": "image_id"}`)
		}
		return nil, fault.New(fault.Invalid, `Expected a status in the form: {"status": "status"}`)
	}
	val, ok := obj[key]
	if !ok {
		if key == "member" {
			return nil, fault.New(fault.Invalid, "Member to be added not specified")
		}
		return nil, fault.New(fault.Invalid, "Status not specified")
	}
	return val, nil
}

// memberString is the member id of a create body; "" for a false value
// (glance: "if not member_id").
func memberString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if !x {
			return ""
		}
		return "True"
	case json.Number:
		if f, err := x.Float64(); err == nil && f == 0 {
			return ""
		}
		return x.String()
	case []any:
		if len(x) == 0 {
			return ""
		}
	case map[string]any:
		if len(x) == 0 {
			return ""
		}
	}
	return fmt.Sprint(v)
}
