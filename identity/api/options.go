package api

import (
	"path/filepath"
	"time"

	"github.com/gostack/gostack/services/config"
)

// Keystone's options this package reads, with keystone's names.
var (
	PublicEndpoint = config.String("DEFAULT", "public_endpoint", "",
		"The base public endpoint URL for Keystone that is advertised to clients, e.g. http://controller:5000. "+
			"Also where the daemon listens when [DEFAULT] bind is unset.")
	Expiration = config.Seconds("token", "expiration", time.Hour,
		"The amount of time that a token should remain valid (in seconds).", config.Min(1))
	AllowRescopeScopedToken = config.Bool("token", "allow_rescope_scoped_token", true,
		"Allow a token scoped to a project or domain to be exchanged for one with another scope.")
	CacheOnIssue = config.Bool("token", "cache_on_issue", true, "Accepted for compatibility.")
	Caching      = config.Bool("token", "caching", true,
		"Reuse a token's validation (user, scope, roles, revocation check) until anything is written "+
			"through this keystone, or [token] cache_time passes. The signature and expiry are always checked.")
	CacheTime = config.Seconds("token", "cache_time", DefaultCacheTime,
		"The longest a token's validation is reused; bounds how late writes made outside this "+
			"process (another keystone on the same database, a manage command) are seen.", config.Min(1))
	Provider    = config.String("token", "provider", "jws", "The token provider; only jws is supported.")
	PrivateKeys = config.String("jwt_tokens", "jws_private_key_repository", "/etc/keystone/jws-keys/private",
		"Directory holding private.pem, the key tokens are signed with.")
	PublicKeys = config.String("jwt_tokens", "jws_public_key_repository", "/etc/keystone/jws-keys/public",
		"Directory holding the public keys tokens are validated with.")
	PasswordHashRounds = config.Int("identity", "password_hash_rounds", 0,
		"bcrypt cost of password hashes; 0 means 12, passlib's default.", config.Min(0), config.Max(31))
	MaxPasswordLength = config.Int("identity", "max_password_length", 4096, "Maximum supported length for user passwords.")
	CredentialKeys    = config.String("credential", "key_repository", "",
		"Directory of the Fernet keys that encrypt credential blobs at rest (keystone-manage credential_setup's "+
			"layout: keys named 0, 1, ...; the highest is the primary). Default: credential-keys beside the "+
			"directory of [jwt_tokens] jws_private_key_repository, i.e. /etc/keystone/credential-keys with the "+
			"default paths. Created with two new keys on the first credential write when it holds none.")
	CredentialProvider = config.String("credential", "provider", "fernet", "The credential provider; only fernet is supported.")
)

// Opts returns the options above.
func Opts() []config.Option {
	return []config.Option{PublicEndpoint, Expiration, AllowRescopeScopedToken, CacheOnIssue, Caching, CacheTime, Provider,
		PrivateKeys, PublicKeys, PasswordHashRounds, MaxPasswordLength, CredentialKeys, CredentialProvider}
}

// Settings are the values the handlers need.
type Settings struct {
	Expiration              time.Duration
	AllowRescopeScopedToken bool
	PasswordCost            int
	MaxPasswordLength       int
	// CacheTime bounds the reuse of a token's validation (validation_cache.go):
	// 0 means DefaultCacheTime, negative turns the cache off.
	CacheTime time.Duration
	// CredentialKeys is the credential key repository (empty: a
	// credential-keys directory in the system's temporary directory,
	// for tests).
	CredentialKeys string
}

// SettingsFrom reads Settings from a loaded config.
func SettingsFrom(c *config.Config) Settings {
	return Settings{
		Expiration:              Expiration.Get(c),
		AllowRescopeScopedToken: AllowRescopeScopedToken.Get(c),
		PasswordCost:            PasswordHashRounds.Get(c),
		MaxPasswordLength:       MaxPasswordLength.Get(c),
		CacheTime:               cacheTime(c),
		CredentialKeys:          credentialKeys(c),
	}
}

// credentialKeys is [credential] key_repository, or credential-keys
// beside the JWS key repositories' directory.
func credentialKeys(c *config.Config) string {
	if d := CredentialKeys.Get(c); d != "" {
		return d
	}
	return filepath.Join(filepath.Dir(filepath.Dir(filepath.Clean(PrivateKeys.Get(c)))), "credential-keys")
}

func cacheTime(c *config.Config) time.Duration {
	if !Caching.Get(c) {
		return -1
	}
	return CacheTime.Get(c)
}
