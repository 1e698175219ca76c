package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/credential"
	"github.com/gostack/gostack/identity/schema"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
	"github.com/gostack/gostack/services/pyrepr"
)

// Credentials (api-ref identity "Credentials"), keystone/api/credentials.py.
// Blobs are encrypted at rest with the [credential] key_repository's
// primary Fernet key; plaintext blobs are never logged.

func (a *API) credentialRoutes(r chi.Router) {
	r.Get("/credentials", a.authed(a.listCredentials))
	r.Post("/credentials", a.authed(a.createCredential))
	r.Get("/credentials/{id}", a.protect("identity:get_credential", a.credentialTarget, a.getCredential))
	r.Patch("/credentials/{id}", a.protect("identity:update_credential", a.credentialTarget, a.updateCredential))
	r.Delete("/credentials/{id}", a.protect("identity:delete_credential", a.credentialTarget, a.deleteCredential))
}

// plainCredential is a credential with its blob decrypted.
type plainCredential struct {
	store.Credential
	Blob string
}

func (c plainCredential) target() map[string]any {
	return withExtra(c.Extra, map[string]any{"id": c.ID, "user_id": c.UserID, "project_id": nullStr(c.ProjectID), "type": c.Type})
}

// credentialTarget is keystone's _build_target_enforcement: the stored
// credential, or nothing when there is none.
func (a *API) credentialTarget(r *http.Request) (policy.Target, error) {
	c, err := a.store.GetCredential(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return policy.Target{}, ignoreNotFound(err)
	}
	return policy.Target{"target.credential": plainCredential{Credential: c}.target()}, nil
}

func credentialView(r *http.Request, c plainCredential) map[string]any {
	return withExtra(c.Extra, map[string]any{"id": c.ID, "user_id": c.UserID, "project_id": nullStr(c.ProjectID), "type": c.Type,
		"blob": c.Blob, "links": selfLinks(r, "credentials/"+c.ID)})
}

// keys loads the credential keys, creating the repository on first use
// when writing.
func (a *API) keys(write bool) (*credential.Keys, error) {
	if a.set.CredentialKeys == "" {
		return nil, fault.Wrap(errNoCredentialKeys, fault.Internal, "")
	}
	ks, created, err := a.credKeys.Load(write)
	if created {
		a.log.Warn("created the credential key repository with two new keys (as keystone-manage credential_setup)",
			slog.String("key_repository", a.set.CredentialKeys))
	}
	if err != nil {
		return nil, fault.Wrap(err, fault.Internal, "")
	}
	return ks, nil
}

type credentialKeysError string

func (e credentialKeysError) Error() string { return string(e) }

const errNoCredentialKeys = credentialKeysError("no [credential] key_repository configured")

// decrypt opens a stored credential; a blob no key opens is keystone's
// CredentialEncryptionError (500), logged without the blob.
func (a *API) decrypt(ks *credential.Keys, c store.Credential) (plainCredential, error) {
	blob, err := ks.Decrypt(c.EncryptedBlob)
	if err != nil {
		a.log.Error("Credential could not be decrypted. Please contact the administrator",
			slog.String("credential_id", c.ID), slog.String("key_hash", c.KeyHash))
		return plainCredential{}, fault.Wrap(err, fault.Internal, "")
	}
	return plainCredential{Credential: c, Blob: blob}, nil
}

// encrypt stores blob in c.
func encryptInto(ks *credential.Keys, c *store.Credential, blob string) error {
	tok, hash, err := ks.Encrypt(blob)
	if err != nil {
		return fault.Wrap(err, fault.Internal, "")
	}
	c.EncryptedBlob, c.KeyHash = tok, hash
	return nil
}

// ec2Blob is keystone's _validate_blob_json: an ec2 blob is a JSON
// object with an access key.
func ec2Blob(blob string) (map[string]any, error) {
	var v any
	if err := json.Unmarshal([]byte(blob), &v); err != nil {
		return nil, fault.New(fault.Invalid, "Invalid blob in credential")
	}
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil, expecting("blob", "credential")
	}
	if _, ok := m["access"].(string); !ok {
		return nil, expecting("access", "credential")
	}
	return m, nil
}

// hashAccessKey is keystone's utils.hash_access_key: an ec2 credential's
// id is the SHA-256 of its access key.
func hashAccessKey(access string) string {
	sum := sha256.Sum256([]byte(access))
	return hex.EncodeToString(sum[:])
}

var credentialKnown = []string{"id", "user_id", "project_id", "type", "blob", "links"}

// createCredential is POST /v3/credentials: 201.
func (a *API) createCredential(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	var body map[string]json.RawMessage
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		return err
	}
	var raw any = map[string]any{}
	if b, ok := body["credential"]; ok {
		var err error
		if raw, err = schema.Decode(b); err != nil {
			return fault.Wrap(err, fault.Invalid, "Expecting to find valid JSON in request body. %s", validationTail)
		}
	}
	// keystone enforces on the request's credential before validating it.
	m, _ := raw.(map[string]any)
	if err := a.policy.Enforce(credentials(c), "identity:create_credential", policy.Target{"target.credential": m}); err != nil {
		return err
	}
	if err := schema.CredentialProperties.Validate(raw); err != nil {
		return err
	}
	if m == nil {
		return expecting("credential", "request body")
	}
	f := fields(m)
	required := []string{"blob", "type", "user_id"}
	if f.str("type") == "ec2" {
		required = append(required, "project_id")
	}
	for _, k := range required {
		if _, ok := m[k]; !ok {
			return fault.New(fault.Invalid, "%s is not valid under any of the given schemas", pyrepr.Repr(m))
		}
	}
	cr := store.Credential{ID: store.NewID(), UserID: f.str("user_id"), ProjectID: f.str("project_id"), Type: f.str("type"),
		Extra: f.extra(credentialKnown...)}
	blob := f.str("blob")
	if strings.ToLower(cr.Type) == "ec2" {
		b, err := ec2Blob(blob)
		if err != nil {
			return err
		}
		cr.ID = hashAccessKey(b["access"].(string))
		// A credential made with an application credential's token
		// authenticates (ec2tokens) as that application credential.
		if c.Payload.AppCredID != "" {
			b["app_cred_id"] = c.Payload.AppCredID
			out, _ := json.Marshal(b)
			blob = string(out)
		}
	}
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
	httpapi.WriteJSON(w, r, http.StatusCreated, map[string]any{"credential": credentialView(r, plainCredential{Credential: cr, Blob: blob})})
	return nil
}

// listCredentials is GET /v3/credentials, filtered by user_id and type:
// only the credentials the caller may get (identity:get_credential).
func (a *API) listCredentials(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	q := httpapi.QueryOf(r)
	t := policy.Target{}
	if c.Payload.System == "" {
		t["target.credential"] = map[string]any{"user_id": c.User.ID}
	}
	for _, k := range []string{"user_id", "type"} {
		if v, ok := q.Lookup(k); ok {
			t[k] = v
		}
	}
	if err := a.policy.Enforce(credentials(c), "identity:list_credentials", t); err != nil {
		return err
	}
	list, err := a.store.ListCredentials(r.Context(), store.CredentialFilter{UserID: q.Get("user_id"), Type: q.Get("type")})
	if err != nil {
		return err
	}
	list = filterInexact(list, inexactFilters(q, "user_id", "type"), func(cr store.Credential, attr string) (string, bool) {
		if attr == "type" {
			return cr.Type, true
		}
		return cr.UserID, true
	})
	out := []map[string]any{}
	var ks *credential.Keys
	for _, cr := range list {
		pc := plainCredential{Credential: cr}
		if !a.allowed(c, "identity:get_credential", policy.Target{"target.credential": pc.target()}) {
			continue
		}
		if ks == nil {
			if ks, err = a.keys(false); err != nil {
				return err
			}
		}
		if pc, err = a.decrypt(ks, cr); err != nil {
			return err
		}
		out = append(out, credentialView(r, pc))
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"credentials": out, "links": listLinks(r)})
	return nil
}

func (a *API) loadCredential(r *http.Request, id string) (plainCredential, error) {
	cr, err := a.store.GetCredential(r.Context(), id)
	if err != nil {
		return plainCredential{}, err
	}
	ks, err := a.keys(false)
	if err != nil {
		return plainCredential{}, err
	}
	return a.decrypt(ks, cr)
}

func (a *API) getCredential(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	pc, err := a.loadCredential(r, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"credential": credentialView(r, pc)})
	return nil
}

// updateCredential is PATCH /v3/credentials/{id}. An ec2 credential keeps
// its id (the hash of its first access key) and its scope keys.
func (a *API) updateCredential(w http.ResponseWriter, r *http.Request, c *tokenInfo) error {
	id := chi.URLParam(r, "id")
	cur, err := a.loadCredential(r, id)
	if err != nil {
		return err
	}
	f, err := decodeMember(r, "credential", schema.CredentialUpdate)
	if err != nil {
		return err
	}
	newBlob, hasBlob := f["blob"].(string)
	if strings.ToLower(cur.Type) == "ec2" {
		nb, err := ec2Blob(newBlob)
		if err != nil {
			return err
		}
		var ob map[string]any
		_ = json.Unmarshal([]byte(cur.Blob), &ob)
		for _, k := range []string{"trust_id", "app_cred_id", "access_token_id", "access_id"} {
			if pyrepr.Repr(ob[k]) != pyrepr.Repr(nb[k]) {
				return fault.New(fault.Invalid, "%s can not be updated for credential", k)
			}
		}
	}
	if v, ok := f["id"]; ok && v != nil {
		return fault.New(fault.Invalid, "Cannot change ID")
	}
	next := cur.Credential
	if v := f.strp("user_id"); v != nil {
		next.UserID = *v
	}
	if v := f.strp("project_id"); v != nil {
		next.ProjectID = *v
	}
	if v := f.strp("type"); v != nil {
		next.Type = *v
	}
	next.Extra = withExtra(cur.Extra, f.extra(credentialKnown...))
	// The owner may not hand the credential to someone else.
	merged := plainCredential{Credential: next}.target()
	if err := a.policy.Enforce(credentials(c), "identity:update_credential", policy.Target{"target.credential": merged}); err != nil {
		return err
	}
	if strings.ToLower(f.str("type")) == "ec2" && f.str("project_id") == "" && cur.ProjectID == "" {
		return expecting("project_id", "credential")
	}
	blob := cur.Blob
	if hasBlob {
		ks, err := a.keys(true)
		if err != nil {
			return err
		}
		if err := encryptInto(ks, &next, newBlob); err != nil {
			return err
		}
		if newBlob != "" {
			blob = newBlob
		}
	}
	out, err := a.store.UpdateCredential(r.Context(), next)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"credential": credentialView(r, plainCredential{Credential: out, Blob: blob})})
	return nil
}

func (a *API) deleteCredential(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	if err := a.store.DeleteCredential(r.Context(), chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
