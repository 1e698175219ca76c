package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
)

// EC2 credentials (api-ref identity "OS-EC2"), keystone/api/users.py's
// UserOSEC2Credentials resources: credentials of type ec2 whose blob
// holds the access and secret keys, addressed by the access key.

func (a *API) ec2CredentialRoutes(r chi.Router) {
	base := "/users/{user}/credentials/OS-EC2"
	r.Get(base, a.protect("identity:ec2_list_credentials", ec2UserTarget, a.listEC2Credentials))
	r.Post(base, a.protect("identity:ec2_create_credential", ec2CreateTarget, a.createEC2Credential))
	r.Get(base+"/{access}", a.protect("identity:ec2_get_credential", a.ec2CredentialTarget, a.getEC2Credential))
	r.Delete(base+"/{access}", a.protect("identity:ec2_delete_credential", a.ec2CredentialTarget, a.deleteEC2Credential))
}

// ec2UserTarget is the URL's user_id, as enforce_call puts view args at
// the top of the target.
func ec2UserTarget(r *http.Request) (policy.Target, error) {
	return policy.Target{"user_id": chi.URLParam(r, "user")}, nil
}

func ec2CreateTarget(r *http.Request) (policy.Target, error) {
	u := chi.URLParam(r, "user")
	return policy.Target{"user_id": u, "target.credential": map[string]any{"user_id": u}}, nil
}

// ec2CredentialTarget is _build_enforcer_target_data_owner_and_user_id_match:
// the credential named by the hash of the access key, which must exist
// (keystone answers its 404 before enforcing).
func (a *API) ec2CredentialTarget(r *http.Request) (policy.Target, error) {
	cr, err := a.store.GetCredential(r.Context(), hashAccessKey(chi.URLParam(r, "access")))
	if err != nil {
		return nil, err
	}
	t, _ := ec2UserTarget(r)
	t["target.credential"] = plainCredential{Credential: cr}.target()
	return t, nil
}

// ec2View is _convert_v3_to_ec2_credential with its self link.
func ec2View(r *http.Request, c plainCredential) map[string]any {
	var blob map[string]any
	_ = json.Unmarshal([]byte(c.Blob), &blob)
	access, _ := blob["access"].(string)
	return map[string]any{
		"user_id": c.UserID, "tenant_id": nullStr(c.ProjectID), "access": blob["access"], "secret": blob["secret"],
		"trust_id": blob["trust_id"],
		"links":    selfLinks(r, "users/"+c.UserID+"/credentials/OS-EC2/"+access),
	}
}

// createEC2Credential is POST /v3/users/{user_id}/credentials/OS-EC2 with
// {"tenant_id": ...}: 201 with new random access and secret keys.
func (a *API) createEC2Credential(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	userID := chi.URLParam(r, "user")
	var body map[string]any
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		return err
	}
	if _, err := a.store.GetUser(r.Context(), userID); err != nil {
		return err
	}
	tenant, ok := body["tenant_id"].(string)
	if !ok {
		return fault.New(fault.NotFound, "Could not find project: %s.", pyStr(body["tenant_id"]))
	}
	if _, err := a.store.GetProject(r.Context(), tenant); err != nil {
		return err
	}
	access, secret := store.NewID(), store.NewID()
	blob := fmt.Sprintf(`{"access": %q, "secret": %q, "trust_id": null}`, access, secret)
	cr := store.Credential{ID: hashAccessKey(access), UserID: userID, ProjectID: tenant, Type: "ec2", Extra: map[string]any{}}
	ks, err := a.keys(true)
	if err != nil {
		return err
	}
	if err := encryptInto(ks, &cr, blob); err != nil {
		return err
	}
	if cr, err = a.store.CreateCredential(r.Context(), cr); err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusCreated, map[string]any{"credential": ec2View(r, plainCredential{Credential: cr, Blob: blob})})
	return nil
}

// pyStr is Python's str() of a JSON value, for messages.
func pyStr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case string:
		return x
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (a *API) listEC2Credentials(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	userID := chi.URLParam(r, "user")
	if _, err := a.store.GetUser(r.Context(), userID); err != nil {
		return err
	}
	list, err := a.store.ListCredentials(r.Context(), store.CredentialFilter{UserID: userID, Type: "ec2"})
	if err != nil {
		return err
	}
	out := []map[string]any{}
	if len(list) > 0 {
		ks, err := a.keys(false)
		if err != nil {
			return err
		}
		for _, cr := range list {
			pc, err := a.decrypt(ks, cr)
			if err != nil {
				return err
			}
			out = append(out, ec2View(r, pc))
		}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"credentials": out, "links": listLinks(r)})
	return nil
}

// ec2Credential loads the ec2 credential of the URL's access key; a
// credential of another type is keystone's 401 "EC2 access key not found."
func (a *API) ec2Credential(r *http.Request) (plainCredential, error) {
	if _, err := a.store.GetUser(r.Context(), chi.URLParam(r, "user")); err != nil {
		return plainCredential{}, err
	}
	pc, err := a.loadCredential(r, hashAccessKey(chi.URLParam(r, "access")))
	if err != nil {
		return plainCredential{}, err
	}
	if pc.Type != "ec2" {
		return plainCredential{}, fault.New(fault.Unauthorized, "EC2 access key not found.")
	}
	return pc, nil
}

func (a *API) getEC2Credential(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	pc, err := a.ec2Credential(r)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"credential": ec2View(r, pc)})
	return nil
}

func (a *API) deleteEC2Credential(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	pc, err := a.ec2Credential(r)
	if err != nil {
		return err
	}
	if err := a.store.DeleteCredential(r.Context(), pc.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
