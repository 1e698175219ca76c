package rbd

import (
	"context"
	"fmt"
	"io"
	"math/bits"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

// inFlight is how many chunks an upload keeps in flight to RBD: two
// keep the OSDs busy while bounding memory (each chunk is a buffer here
// and one in librados).
const inFlight = 2

// Downloads read smaller pieces, more of them at once (reads wait on the
// OSDs' round trips), within the same memory: readInFlight × readChunk.
const (
	readChunk    = 2 << 20
	readInFlight = 8
)

// DefaultChunkSize is rbd_store_chunk_size's default, 8 MiB.
const DefaultChunkSize = 8 << 20

// Config says where the store keeps images.
type Config struct {
	Pool string // "images" when empty
	// ChunkSize is the RADOS object size and the size of each write, in
	// bytes, a power of two; DefaultChunkSize when zero.
	ChunkSize int
}

// Cluster is what the store needs of a Ceph connection (services/ceph's
// Client).
type Cluster interface {
	FSID(ctx context.Context) (string, error)
	Import(ctx context.Context, spec ceph.Spec, r io.Reader, opts ceph.ImportOptions) (int64, error)
	Export(ctx context.Context, spec ceph.Spec, w io.Writer, opts ceph.ExportOptions) (int64, error)
	Size(ctx context.Context, spec ceph.Spec) (uint64, error)
	CreateSnapshot(ctx context.Context, spec ceph.Spec) error
	ProtectSnapshot(ctx context.Context, spec ceph.Spec) error
	Children(ctx context.Context, spec ceph.Spec) ([]ceph.Spec, error)
	Exists(ctx context.Context, spec ceph.Spec) (bool, error)
	RemoveSnapshot(ctx context.Context, spec ceph.Spec) error
	Remove(ctx context.Context, spec ceph.Spec, opts ceph.RemoveOptions) error
}

// Store keeps image data in one RBD pool.
type Store struct {
	cluster Cluster
	pool    string
	chunk   int
}

// New returns a store over a Ceph connection.
func New(cluster Cluster, cfg Config) (*Store, error) {
	if cfg.Pool == "" {
		cfg.Pool = "images"
	}
	if cfg.ChunkSize == 0 {
		cfg.ChunkSize = DefaultChunkSize
	}
	if cfg.ChunkSize < 4096 || bits.OnesCount(uint(cfg.ChunkSize)) != 1 {
		return nil, fault.New(fault.Invalid, "[glance_store] rbd_store_chunk_size must be a power of two (MiB), not %d bytes.", cfg.ChunkSize)
	}
	return &Store{cluster: cluster, pool: cfg.Pool, chunk: cfg.ChunkSize}, nil
}

// Pool returns the pool images are kept in.
func (s *Store) Pool() string { return s.pool }

// spec resolves a location to the RBD image or snapshot it names; a
// one-part location lives in the store's pool, without a snapshot.
func (s *Store) spec(loc Location) ceph.Spec {
	if loc.Pool == "" {
		loc.Pool = s.pool
	}
	return loc.Spec()
}

func (s *Store) readOptions() ceph.StreamOptions {
	return ceph.StreamOptions{ChunkSize: min(s.chunk, readChunk), InFlight: readInFlight}
}

func (s *Store) streamOptions() ceph.StreamOptions {
	return ceph.StreamOptions{ChunkSize: s.chunk, InFlight: inFlight}
}

// order is log2 of the chunk size, the RBD object order glance_store
// creates images with.
func (s *Store) order() int { return bits.TrailingZeros(uint(s.chunk)) }

func parse(uri string) (Location, error) {
	loc, err := ParseLocation(uri)
	if err != nil {
		return Location{}, fmt.Errorf("image location: %w", err)
	}
	return loc, nil
}
