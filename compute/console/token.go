package console

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"
)

// TypeNoVNC is the only console type served: a VNC console through noVNC.
const TypeNoVNC = "novnc"

// Authorization is what a console token grants: a connection to the
// console server at Host:Port for one instance until Expires.
type Authorization struct {
	InstanceUUID       string
	InstanceHost       string // the compute host the instance was on
	ConsoleType        string
	Host               string
	Port               int
	InternalAccessPath string
	AccessURLBase      string
	Expires            time.Time
}

// NewToken returns a fresh random token (128 bits, as a UUID-like hex
// string as nova's uuidutils tokens are).
func NewToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// HashToken is how a token is stored: its SHA-256 in hex.
func HashToken(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

// AccessURL is the URL a user opens: base plus ?path=%3Ftoken%3D<token>,
// as nova builds it for noVNC (whose page passes path on to its websocket
// URL). A base that already has a query keeps it.
func AccessURL(base, token string) string {
	q := url.Values{"path": {"?token=" + token}}.Encode()
	if strings.Contains(base, "?") {
		return base + "&" + q
	}
	return base + "?" + q
}
