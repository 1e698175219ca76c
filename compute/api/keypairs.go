package api

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"golang.org/x/crypto/ssh"

	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/pagination"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/services/policy"
)

const keypairSafe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_ "

// keypairUser is the user whose keypairs a request is about: the caller,
// or (2.10, admins) the user_id query parameter.
func (a *API) keypairUser(r *http.Request, c caller, rule string, requested string) (string, error) {
	user := c.UserID
	if requested != "" && atLeast(r, 10) {
		user = requested
	}
	if err := a.can(c, rule, policy.Target{"user_id": user}); err != nil {
		return "", err
	}
	return user, nil
}

func keypairView(r *http.Request, k store.KeyPair, full bool) map[string]any {
	v := map[string]any{"name": k.Name, "public_key": k.PublicKey, "fingerprint": k.Fingerprint}
	if atLeast(r, 2) {
		v["type"] = k.Type
	}
	if full {
		v["user_id"] = k.UserID
		v["created_at"] = timefmt.Naive(k.CreatedAt)
		v["updated_at"] = timefmt.Nullable(timefmt.Naive, k.UpdatedAt)
		v["deleted"] = false
		v["deleted_at"] = nil
		v["id"] = k.ID
	}
	return v
}

// listKeyPairs is api-ref "List Keypairs".
func (a *API) listKeyPairs(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	user, err := a.keypairUser(r, c, "os_compute_api:os-keypairs:index", httpapi.QueryOf(r).Get("user_id"))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	var p pagination.Params
	limit, marker := 0, ""
	if atLeast(r, 35) {
		if p, err = pagination.Parse(r, pagination.Options{MaxLimit: a.set.MaxLimit}); err != nil {
			writeErr(w, r, err)
			return
		}
		limit, marker = p.Limit, p.Marker
	}
	list, err := a.store.ListKeyPairs(r.Context(), user, limit, marker)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	out := make([]map[string]any, len(list))
	for i, k := range list {
		out[i] = map[string]any{"keypair": keypairView(r, k, false)}
	}
	resp := map[string]any{"keypairs": out}
	if atLeast(r, 35) && len(list) > 0 {
		if l := nextLinks(r, p, len(list), list[len(list)-1].Name); l != nil {
			resp["keypairs_links"] = l
		}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, resp)
}

// showKeyPair is api-ref "Show Keypair Details".
func (a *API) showKeyPair(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	user, err := a.keypairUser(r, c, "os_compute_api:os-keypairs:show", httpapi.QueryOf(r).Get("user_id"))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	k, err := a.store.GetKeyPair(r.Context(), user, chi.URLParam(r, "name"))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"keypair": keypairView(r, k, true)})
}

// deleteKeyPair is api-ref "Delete Keypair".
func (a *API) deleteKeyPair(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	user, err := a.keypairUser(r, c, "os_compute_api:os-keypairs:delete", httpapi.QueryOf(r).Get("user_id"))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.store.DeleteKeyPair(r.Context(), user, chi.URLParam(r, "name")); err != nil {
		writeErr(w, r, err)
		return
	}
	if atLeast(r, 2) {
		w.WriteHeader(http.StatusNoContent)
	} else {
		w.WriteHeader(http.StatusAccepted)
	}
}

// createKeyPair is api-ref "Import (or create) Keypair".
func (a *API) createKeyPair(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	b, err := decodeBody(r, "keypair")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	allowed := []string{"name", "public_key"}
	if atLeast(r, 2) {
		allowed = append(allowed, "type")
	}
	if atLeast(r, 10) {
		allowed = append(allowed, "user_id")
	}
	if err := b.only("keypair", allowed...); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := checkKeypair292(r, b); err != nil { // microversions_servers.go
		writeErr(w, r, err)
		return
	}
	name, _, err := b.str("name", true, false, 1, 255)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	pub, hasPub, err := b.str("public_key", false, false, 0, 0)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	typ := "ssh"
	if t, ok, err := b.str("type", false, false, 0, 0); err != nil {
		writeErr(w, r, err)
		return
	} else if ok {
		if t != "ssh" && t != "x509" {
			writeErr(w, r, badField("type", t, "%s is not one of ['ssh', 'x509']", repr(t)))
			return
		}
		typ = t
	}
	reqUser, _, err := b.str("user_id", false, false, 0, 0)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	user, err := a.keypairUser(r, c, "os_compute_api:os-keypairs:create", reqUser)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	for _, ch := range name {
		if !strings.ContainsRune(keypairSafe, ch) && !atLeast(r, 92) { // 2.92's pattern is checked in microversions_servers.go
			writeErr(w, r, invalid("Keypair data is invalid: Keypair name contains unsafe characters"))
			return
		}
	}
	if n, err := a.store.CountKeyPairs(r.Context(), user); err != nil {
		writeErr(w, r, err)
		return
	} else if limit := a.limitFor(r, c.ProjectID, "key_pairs"); limit >= 0 && n+1 > limit {
		writeErr(w, r, fault.New(fault.OverLimit, "Quota exceeded, too many key pairs."))
		return
	}
	var private string
	if !hasPub {
		pub, private, err = generateKey(typ, user)
		if err != nil {
			writeErr(w, r, err)
			return
		}
	}
	fp, err := fingerprint(typ, pub)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	k, err := a.store.CreateKeyPair(r.Context(), store.KeyPair{Name: name, UserID: user, Fingerprint: fp, PublicKey: pub, Type: typ})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	v := keypairView(r, k, false)
	v["user_id"] = k.UserID
	if private != "" {
		v["private_key"] = private
	}
	status := http.StatusOK
	if atLeast(r, 2) {
		status = http.StatusCreated
	}
	httpapi.WriteJSON(w, r, status, map[string]any{"keypair": v})
}

func fingerprint(typ, pub string) (string, error) {
	bad := fault.New(fault.Invalid, "Keypair data is invalid: failed to generate fingerprint")
	if typ == "x509" {
		blk, _ := pem.Decode([]byte(pub))
		if blk == nil {
			return "", bad
		}
		if _, err := x509.ParseCertificate(blk.Bytes); err != nil {
			return "", bad
		}
		sum := sha1.Sum(blk.Bytes)
		return colonHex(sum[:]), nil
	}
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(pub))
	if err != nil {
		return "", bad
	}
	sum := md5.Sum(key.Marshal())
	return colonHex(sum[:]), nil
}

func colonHex(b []byte) string {
	h := hex.EncodeToString(b)
	parts := make([]string, 0, len(b))
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

// generateKey makes a keypair as nova does: RSA 2048 with an OpenSSH
// public key "... Generated-by-Nova", or for x509 a self-signed
// certificate for the user.
func generateKey(typ, user string) (pub, private string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", fmt.Errorf("generate key: %w", err)
	}
	private = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	if typ == "x509" {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: user},
			NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().AddDate(10, 0, 0)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			return "", "", fmt.Errorf("generate certificate: %w", err)
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), private, nil
	}
	sp, err := ssh.NewPublicKey(&key.PublicKey)
	if err != nil {
		return "", "", err
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))) + " Generated-by-Nova", private, nil
}
