package rbd

import (
	"context"
	"fmt"
	"io"

	"github.com/gostack/gostack/services/ceph"
)

// Get writes the data at uri to w: length bytes from offset, or up to the
// end when length <= 0. It returns the bytes written. A range past the end
// is cut at the end.
func (s *Store) Get(ctx context.Context, uri string, w io.Writer, offset, length int64) (int64, error) {
	loc, err := parse(uri)
	if err != nil {
		return 0, err
	}
	n, err := s.cluster.Export(ctx, s.spec(loc), w, ceph.ExportOptions{
		Offset: offset, Length: length, Stream: s.readOptions(),
	})
	if err != nil {
		return n, fmt.Errorf("read image data at %s: %w", uri, err)
	}
	return n, nil
}

// Size returns the size in bytes of the data at uri.
func (s *Store) Size(ctx context.Context, uri string) (int64, error) {
	loc, err := parse(uri)
	if err != nil {
		return 0, err
	}
	n, err := s.cluster.Size(ctx, s.spec(loc))
	if err != nil {
		return 0, fmt.Errorf("size of image data at %s: %w", uri, err)
	}
	return int64(n), nil
}
