package api

import (
	"encoding/json"
	"net/http"

	"github.com/gostack/gostack/compute/objects"
)

// Trusted image certificates (2.63): the ids of the certificates that
// may sign a server's image, given at create and rebuild and shown on the
// server. Nova verifies them only with [glance] verify_glance_signatures
// (off by default); this cloud does not verify image signatures, so they
// are recorded and shown, as upstream with its defaults. They live in the
// instance's system metadata under sysMetaTrustedCerts, as JSON.
const sysMetaTrustedCerts = "trusted_image_certificates"

// parseTrustedCerts reads trusted_image_certificates as nova's schema:
// null, or 1 to 50 unique non-empty strings. set is false when absent.
func parseTrustedCerts(b body) (certs []string, set bool, err error) {
	v, ok := b["trusted_image_certificates"]
	if !ok {
		return nil, false, nil
	}
	if v == nil {
		return nil, true, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, true, badField("trusted_image_certificates", v, "%s is not of type 'array', 'null'", repr(v))
	}
	if len(list) == 0 {
		return nil, true, badField("trusted_image_certificates", v, "[] is too short")
	}
	if len(list) > 50 {
		return nil, true, badField("trusted_image_certificates", v, "%s is too long", repr(v))
	}
	seen := map[string]bool{}
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			return nil, true, badField("trusted_image_certificates", x, "%s is not of type 'string'", repr(x))
		}
		if s == "" {
			return nil, true, badField("trusted_image_certificates", x, "'' is too short")
		}
		if seen[s] {
			return nil, true, badField("trusted_image_certificates", v, "%s has non-unique elements", repr(v))
		}
		seen[s] = true
		certs = append(certs, s)
	}
	return certs, true, nil
}

// trustedCertsForVolumeBoot is nova's refusal of certificates for a
// server booted from a volume (no image is downloaded to verify).
func trustedCertsForVolumeBoot() error {
	return invalid("Image certificate validation is not supported when booting from volume")
}

// encodeTrustedCerts is the system metadata value of certs ("" for none).
func encodeTrustedCerts(certs []string) string {
	if len(certs) == 0 {
		return ""
	}
	b, _ := json.Marshal(certs)
	return string(b)
}

// trustedCertsOf is a server's trusted_image_certificates: its list, or
// null.
func trustedCertsOf(in objects.Instance) any {
	var certs []string
	if json.Unmarshal([]byte(in.SystemMetadata[sysMetaTrustedCerts]), &certs) != nil || len(certs) == 0 {
		return nil
	}
	return certs
}

// trustedCertsAllowed is whether r may send trusted_image_certificates.
func trustedCertsAllowed(r *http.Request) bool { return atLeast(r, 63) }
