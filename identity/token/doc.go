// Package token is Keystone's JWS token provider ([token] provider = jws)
// and its revocation model: it signs and validates tokens, manages the key
// repositories on disk, and decides whether a revocation event applies to
// a token. It does no other I/O: the auth API supplies the clock, stores
// revocation events and renders the results.
//
// # Token format
//
// A token id is a compact JWS (a JWT) signed with ES256 (ECDSA on P-256 with
// SHA-256), as keystone/token/providers/jws/core.py writes it. The claims:
//
//	sub                   user id
//	iat                   issued at, whole seconds since the epoch
//	exp                   expires at, whole seconds since the epoch
//	openstack_methods     ["password", "token", ...]
//	openstack_audit_ids   [this token's audit id, the chain's root audit id]
//	openstack_project_id  project scope      } at most one; none means an
//	openstack_domain_id   domain scope       } unscoped token
//	openstack_system      "all"              }
//	openstack_app_cred_id application credential the token was made with
//	gostack_iat_us        ours: the microseconds of the issue time (0-999999,
//	                      left out when 0); keystone ignores it
//
// The header is {"alg": "ES256", "kid": ..., "typ": "JWT"}; kid, which
// keystone does not set and PyJWT ignores, names the signing key so that
// its public key is tried first. Empty claims are left out, as keystone
// pops the None ones. Keystone's trust, OAuth 1, OAuth 2 and federation
// claims (openstack_trust_id, openstack_access_token_id,
// openstack_thumbprint, openstack_group_ids, openstack_idp_id,
// openstack_protocol_id) are not supported: a token that carries one is
// refused as invalid rather than read without it.
//
// Keystone keeps issue times and revocation times to the second, so a
// token minted in the same second as a password change, even after it, is
// revoked by it: a client that changes a password and authenticates at
// once can get a token that is already dead. Here the issue time keeps
// microseconds (gostack_iat_us) and so do revocation events, so only
// tokens issued before the change are revoked. iat itself stays an
// integer: PyJWT 2.6, through which keystone validates, refuses a
// fractional iat until the next second, and a keystone node sharing the
// key repositories must read our tokens. Tokens keystone wrote (no
// gostack_iat_us) read as issued at the whole second.
//
// # Errors
//
// Validate and CheckRevoked fail with a fault.Unauthorized whose message is
// keystone's "The request you have made requires authentication." (the 401
// for a bad X-Auth-Token) and whose cause wraps ErrInvalid, ErrExpired or
// ErrRevoked.
// NotFound turns it into keystone's 404 for GET /v3/auth/tokens with a bad
// X-Subject-Token: "Could not find token: <id>." for an unverifiable token,
// "Failed to validate token" for an expired or revoked one.
//
// # Key repositories
//
// As keystone's [jwt_tokens] options say:
//
//	jws_private_key_repository/private.pem   the signing key: PKCS#8 PEM
//	                                         ("PRIVATE KEY", what keystone-
//	                                         manage create_jws_keypair
//	                                         writes) or SEC1 ("EC PRIVATE KEY")
//	jws_public_key_repository/*.pem          one or more PKIX PEM public keys
//	                                         ("PUBLIC KEY"); a token is valid
//	                                         if any of them verifies it
//
// CreateKeyPair writes private.pem (0600, directory 0700) and public.pem
// (0644). Unlike keystone, which reads every file in the public directory,
// only *.pem files that are not hidden are read; and loading fails when no
// public key matches private.pem, since every token would then be refused.
//
// # Rotating keys
//
// Rotate makes a new key pair, adds the new public key to the public
// repository as public-<n>.pem (n one more than the highest there;
// public.pem counts as 0), then replaces private.pem, and finally removes
// the oldest public keys beyond keep. Tokens signed with the previous key
// validate until they expire as long as its public key is kept, so rotate
// no more often than [token] expiration / (keep - 1), and use keep >= 2.
// With several keystone nodes:
//
//  1. run Rotate on one node;
//  2. copy the public repository to every node (the new public key must be
//     everywhere before any node signs with the new private key);
//  3. copy private.pem to every node.
//
// Each daemon picks the new files up through Provider.ReloadIfChanged (run
// by Provider.Watch on a ticker); a reload that would leave the keys
// unusable (private.pem without a matching public key, half-copied files)
// is refused and the loaded keys stay in use.
//
// # Revocation
//
// Revocation follows keystone/models/revoke_model.py together with the
// filter its SQL backend applies (keystone/revoke/backends/sql.py): an
// Event applies to a token issued at or before Event.IssuedBefore when
// every field set in the event matches the token (Matches). The events
// keystone (stable/zed) records, made here by ForCause and AuditChainEvent:
//
//	cause                                     event fields
//	DELETE /v3/auth/tokens                    audit_id
//	user deleted                              user_id
//	user disabled (enabled true -> false)     user_id
//	user's password changed (PATCH or         user_id
//	  POST /v3/users/{id}/password)
//	user removed from a group                 user_id
//	group with role assignments deleted       user_id, one per member
//	project deleted                           project_id
//	trust deleted                             trust_id
//	OAuth 1 consumer deleted                  OS-OAUTH1:consumer_id
//	revoke_token(revoke_chain=True)           audit_chain_id (+ project_id
//	  (no API calls it)                         or domain_id)
//
// Keystone records no event for a disabled project or domain, a removed
// role assignment or a deleted role: its token model checks those when the
// token is validated (the project and the domains must be enabled, the
// user must still hold a role on the scope), so re-enabling a project makes
// its tokens valid again. The auth API must do the same checks; Matches
// still honours domain_id and role_id events, as keystone's model does.
//
// One deliberate difference: audit_chain_id is compared with the last
// audit id of the token (its chain's root, which is the token's own audit
// id when it was not derived from another), where keystone stable/zed
// compares it with the parent audit id only, so its root token never
// matched.
package token
