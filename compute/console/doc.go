// Package console gives users a guest's graphical console, as nova's
// consoleauth tokens and nova-novncproxy do.
//
// nova-api asks the instance's compute host where the guest's VNC server
// listens (get_vnc_console), then Store.Authorize records a random token
// for it: only the token's SHA-256 is stored, with the instance, the
// host-side address and an expiry ([consoleauth] token_ttl). The user gets
// a noVNC URL (AccessURL) carrying the token. nova-novncproxy (Proxy)
// serves noVNC's page and, for a websocket upgrade, validates the token
// (unknown, expired, or for an instance that is gone or moved: refused),
// then relays bytes between the websocket and the guest's VNC server.
//
//	browser --ws ?token=T--> nova-novncproxy --TCP--> host:5900 (QEMU VNC)
//	                             |
//	                   console_auth_tokens (sha256(T), host, port, expires)
package console
