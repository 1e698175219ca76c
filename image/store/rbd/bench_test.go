package rbd_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"strconv"
	"testing"

	"github.com/google/uuid"

	"github.com/gostack/gostack/image/store/rbd"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/testenv"
)

// BenchmarkAdd measures storing 256 MiB through the store (hashes,
// snapshot) against a bare ceph Import of the same data; BENCH_ADD_MIB
// sets another size (a small one shows the fixed cost of the snapshot).
func BenchmarkAdd(b *testing.B) {
	data := bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 16<<20)
	if n := os.Getenv("BENCH_ADD_MIB"); n != "" {
		mib, _ := strconv.Atoi(n)
		data = data[:mib<<20]
	}
	conf, user := testenv.Ceph(b)
	c, err := ceph.Connect(context.Background(), ceph.Config{ConfPath: conf, User: user})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	s, err := rbd.New(c, rbd.Config{Pool: "images"})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("store", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for range b.N {
			id := uuid.NewString()
			st, err := s.Add(context.Background(), id, io.NopCloser(bytes.NewReader(data)), 0)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			_ = s.Delete(context.Background(), st.Location.String())
			b.StartTimer()
		}
	})
	b.Run("import", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for range b.N {
			spec := ceph.ImageSpec("images", uuid.NewString())
			if _, err := c.Import(context.Background(), spec, bytes.NewReader(data), ceph.ImportOptions{Stream: ceph.StreamOptions{ChunkSize: 8 << 20}}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			_ = c.Remove(context.Background(), spec, ceph.RemoveOptions{PurgeSnapshots: true})
			b.StartTimer()
		}
	})
}
