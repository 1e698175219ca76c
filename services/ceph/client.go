package ceph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ceph/go-ceph/rados"

	"github.com/gostack/gostack/services/fault"
)

// Config says how to reach a Ceph cluster.
type Config struct {
	// ConfPath is the ceph.conf to read; empty means librados' default
	// search ($CEPH_CONF, /etc/ceph/$cluster.conf, ...).
	ConfPath string
	// User is the cephx id without "client." ("glance", "nova"); empty
	// means "admin". A leading "client." is tolerated and dropped.
	User string
	// Keyring is the keyring file holding User's key; empty means what the
	// conf says (keyring = ..., by default /etc/ceph/$cluster.$name.keyring).
	Keyring string
	// ClusterName is the cluster's name, "ceph" when empty.
	ClusterName string
	// Timeout bounds every librados call: it sets client_mount_timeout,
	// rados_mon_op_timeout and rados_osd_op_timeout. 30 s when zero.
	Timeout time.Duration
	// RemoveRetry is how Remove retries an image that is still in use;
	// DefaultRemoveRetry when Attempts is zero.
	RemoveRetry Backoff
}

// DefaultTimeout bounds librados calls when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Client is a connection to one Ceph cluster as one cephx user. It is safe
// for concurrent use; Close releases it.
type Client struct {
	conn        *rados.Conn
	where       where
	removeRetry Backoff

	fsidMu sync.Mutex
	fsid   string

	closeOnce sync.Once
}

// Connect reads the configuration, authenticates and connects to the
// monitors. It fails with fault.Unavailable, naming the monitors, the conf
// file and the user, when the cluster cannot be reached or refuses the user.
// If ctx ends first, Connect returns at once and the connection attempt,
// bounded by Config.Timeout, is torn down when it finishes.
func Connect(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.ClusterName == "" {
		cfg.ClusterName = "ceph"
	}
	cfg.User = strings.TrimPrefix(cfg.User, "client.")
	if cfg.User == "" {
		cfg.User = "admin"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.RemoveRetry.Attempts == 0 {
		sleep := cfg.RemoveRetry.Sleep
		cfg.RemoveRetry = DefaultRemoveRetry
		cfg.RemoveRetry.Sleep = sleep
	}
	w := where{conf: cfg.ConfPath, user: cfg.User, timeout: cfg.Timeout.String()}

	conn, err := rados.NewConnWithClusterAndUser(cfg.ClusterName, "client."+cfg.User)
	if err != nil {
		return nil, fault.Wrap(fmt.Errorf("rados create: %w", err), fault.Unavailable,
			"Cannot set up a Ceph client for client.%s.", cfg.User)
	}
	if cfg.ConfPath != "" {
		err = conn.ReadConfigFile(cfg.ConfPath)
	} else {
		err = conn.ReadDefaultConfigFile()
	}
	if err != nil {
		return nil, fault.Wrap(fmt.Errorf("read ceph conf: %w", err), fault.Unavailable,
			"Cannot read the Ceph configuration file %s for client.%s: check the path and its permissions.", orDefault(cfg.ConfPath), cfg.User)
	}
	secs := fmt.Sprint(int64(math.Ceil(cfg.Timeout.Seconds())))
	opts := [][2]string{
		{"client_mount_timeout", secs},
		{"rados_mon_op_timeout", secs},
		{"rados_osd_op_timeout", secs},
	}
	if cfg.Keyring != "" {
		opts = append(opts, [2]string{"keyring", cfg.Keyring})
	}
	for _, o := range opts {
		if err := conn.SetConfigOption(o[0], o[1]); err != nil {
			return nil, fault.Wrap(fmt.Errorf("set %s: %w", o[0], err), fault.Invalid,
				"Cannot set the Ceph option %s for client.%s.", o[0], cfg.User)
		}
	}
	w.monHost, _ = conn.GetConfigOption("mon_host")

	if err := ctx.Err(); err != nil {
		return nil, fault.Wrap(err, fault.Unavailable, "Connecting to Ceph (%s) was cancelled.", w)
	}
	done := make(chan error, 1)
	go func() { done <- conn.Connect() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		go func() {
			if <-done == nil {
				conn.Shutdown()
			}
		}()
		return nil, fault.Wrap(ctx.Err(), fault.Unavailable,
			"Connecting to Ceph (%s) did not finish before the caller's deadline.", w)
	}
	if err != nil {
		return nil, connectFault(err, w)
	}
	return &Client{conn: conn, where: w, removeRetry: cfg.RemoveRetry}, nil
}

// connectFault explains a failed rados_connect.
func connectFault(err error, w where) error {
	cause := fmt.Errorf("rados connect: %w", err)
	switch n, _ := errnoOf(err); {
	case n == syscall.ENOENT:
		return fault.Wrap(cause, fault.Unavailable,
			"Cannot connect to Ceph: no keyring with a key for client.%s was found (%s); set keyring in the conf or the service's configuration.", w.user, w)
	case n == syscall.EACCES || n == syscall.EPERM:
		return fault.Wrap(cause, fault.Unavailable,
			"Ceph refused the key of client.%s (%s): check the keyring and that the user exists (ceph auth get client.%s).", w.user, w, w.user)
	case n == syscall.ETIMEDOUT:
		return fault.Wrap(cause, fault.Unavailable,
			"Cannot reach the Ceph monitors within %s (%s): check that they are up and reachable.", w.timeout, w)
	default:
		return fault.Wrap(cause, fault.Unavailable, "Cannot connect to Ceph (%s).", w)
	}
}

// Close shuts the connection down. Images opened through the client must be
// closed first.
func (c *Client) Close() error {
	c.closeOnce.Do(func() { c.conn.Shutdown() })
	return nil
}

// User returns the cephx id the client authenticated as, without "client.".
func (c *Client) User() string { return c.where.user }

// classify is where.classify for this client's cluster.
func (c *Client) classify(err error, action, subject string) error {
	return c.where.classify(err, action, subject)
}

// ioctx opens an I/O context on a pool. The caller destroys it.
func (c *Client) ioctx(ctx context.Context, pool string) (*rados.IOContext, error) {
	if err := errCtx(ctx); err != nil {
		return nil, err
	}
	io, err := c.conn.OpenIOContext(pool)
	if err != nil {
		if isErrno(err, syscall.ENOENT) {
			return nil, fault.Wrap(fmt.Errorf("open pool %s: %w", pool, err), fault.Unavailable,
				"The Ceph pool %q does not exist (%s): create it with `ceph osd pool create %s` and `rbd pool init %s`.",
				pool, c.where, pool, pool)
		}
		return nil, c.classify(err, "open", "pool "+pool)
	}
	return io, nil
}

// monCommand runs a monitor command given as JSON fields and returns its
// output.
func (c *Client) monCommand(ctx context.Context, cmd map[string]any) ([]byte, error) {
	if err := errCtx(ctx); err != nil {
		return nil, err
	}
	args, err := json.Marshal(cmd)
	if err != nil {
		return nil, fmt.Errorf("encode mon command: %w", err)
	}
	out, status, err := c.conn.MonCommand(args)
	if err != nil {
		prefix, _ := cmd["prefix"].(string)
		return nil, c.classify(fmt.Errorf("%w (%s)", err, status), "run the monitor command", fmt.Sprintf("%q", prefix))
	}
	return out, nil
}

// errCtx returns ctx's error as a fault, for loops that stop between calls.
func errCtx(ctx context.Context) error {
	err := ctx.Err()
	if err == nil {
		return nil
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fault.Wrap(err, fault.Unavailable, "The Ceph operation did not finish before the deadline.")
	}
	return fault.Wrap(err, fault.Unavailable, "The Ceph operation was cancelled.")
}

func orDefault(conf string) string {
	if conf == "" {
		return "(librados default search path)"
	}
	return conf
}
