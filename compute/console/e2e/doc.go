// Package e2e holds the console's end-to-end test: the real openstack
// client asks the dev cloud (`make dev`) for a server's noVNC URL, and a
// websocket client opens it through nova-novncproxy to the guest's QEMU
// VNC server. It has no code of its own.
package e2e
