package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// Store is the network service's database.
type Store struct {
	pool    *pgxpool.Pool
	now     func() time.Time
	baseMAC string
}

// New returns a Store over pool. baseMAC is neutron's base_mac ("" for
// fa:16:3e:00:00:00).
func New(pool *pgxpool.Pool, baseMAC string) *Store {
	if baseMAC == "" {
		baseMAC = "fa:16:3e:00:00:00"
	}
	return &Store{pool: pool, baseMAC: baseMAC, now: func() time.Time { return time.Now().UTC().Truncate(time.Second) }}
}

// NewID returns a random (version 4) UUID, as neutron's uuidutils.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return db.InTx(ctx, s.pool, fn)
}

// Error types of neutron (neutron_lib.exceptions) that the API reports
// in NeutronError.type. An Error's Type travels with the fault.
type Error struct {
	Fault *fault.Error
	Type  string
}

func (e *Error) Error() string { return e.Type + ": " + e.Fault.Error() }

// Unwrap returns the fault, so fault.KindOf and errors.As see it.
func (e *Error) Unwrap() error { return e.Fault }

// Errorf returns a neutron error of a type and kind.
func Errorf(typ string, kind fault.Kind, format string, args ...any) error {
	return &Error{Fault: fault.New(kind, format, args...), Type: typ}
}

// Wrapf is Errorf with an internal cause.
func Wrapf(cause error, typ string, kind fault.Kind, format string, args ...any) error {
	return &Error{Fault: fault.Wrap(cause, kind, format, args...), Type: typ}
}

// NetworkNotFound is neutron's NetworkNotFound.
func NetworkNotFound(id string) error {
	return Errorf("NetworkNotFound", fault.NotFound, "Network %s could not be found.", id)
}

// SubnetNotFound is neutron's SubnetNotFound.
func SubnetNotFound(id string) error {
	return Errorf("SubnetNotFound", fault.NotFound, "Subnet %s could not be found.", id)
}

// PortNotFound is neutron's PortNotFound.
func PortNotFound(id string) error {
	return Errorf("PortNotFound", fault.NotFound, "Port %s could not be found.", id)
}

// SecurityGroupNotFound is neutron's SecurityGroupNotFound.
func SecurityGroupNotFound(id string) error {
	return Errorf("SecurityGroupNotFound", fault.NotFound, "Security group %s does not exist", id)
}

// SecurityGroupRuleNotFound is neutron's SecurityGroupRuleNotFound.
func SecurityGroupRuleNotFound(id string) error {
	return Errorf("SecurityGroupRuleNotFound", fault.NotFound, "Security group rule %s does not exist", id)
}
