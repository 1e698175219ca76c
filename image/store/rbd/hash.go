package rbd

import (
	"crypto/md5"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"io"
	"sync"
	"sync/atomic"
)

// hashReader computes Glance's checksum (md5) and multihash (sha512) of
// what is read through it, off the reading path: each piece read is
// copied into one of a few pooled buffers that two goroutines hash, one
// per algorithm, while the data goes on to RBD. Each hash alone is
// slower than RBD writes on small machines. Memory: pieces × pieceSize.
type hashReader struct {
	r      io.Reader
	md5    hash.Hash
	sha    hash.Hash
	toMD5  chan *piece
	toSHA  chan *piece
	free   chan *piece
	wg     sync.WaitGroup
	closed bool
}

type piece struct {
	buf  []byte
	n    int
	refs atomic.Int32
}

const (
	pieceSize = 1 << 20
	pieces    = 4
)

func newHashReader(r io.Reader) *hashReader {
	h := &hashReader{r: r, md5: md5.New(), sha: sha512.New(),
		toMD5: make(chan *piece, pieces), toSHA: make(chan *piece, pieces), free: make(chan *piece, pieces)}
	for range pieces {
		h.free <- nil // allocated on first use
	}
	h.wg.Add(2)
	go h.work(h.md5, h.toMD5)
	go h.work(h.sha, h.toSHA)
	return h
}

func (h *hashReader) work(sum hash.Hash, in chan *piece) {
	defer h.wg.Done()
	for p := range in {
		sum.Write(p.buf[:p.n])
		if p.refs.Add(-1) == 0 {
			h.free <- p
		}
	}
}

// Read reads up to pieceSize bytes, whole unless the stream ends.
func (h *hashReader) Read(p []byte) (int, error) {
	want := min(len(p), pieceSize)
	n, err := io.ReadAtLeast(h.r, p[:want], want)
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	if n > 0 {
		pc := <-h.free
		if pc == nil {
			pc = &piece{buf: make([]byte, pieceSize)}
		}
		pc.n = copy(pc.buf, p[:n])
		pc.refs.Store(2)
		h.toMD5 <- pc
		h.toSHA <- pc
	}
	return n, err
}

// sums waits for the hashes of everything read and returns them in hex.
func (h *hashReader) sums() (md5hex, shahex string) {
	h.close()
	return hex.EncodeToString(h.md5.Sum(nil)), hex.EncodeToString(h.sha.Sum(nil))
}

// close stops the hashing goroutines once they are done; idempotent.
func (h *hashReader) close() {
	if h.closed {
		return
	}
	h.closed = true
	close(h.toMD5)
	close(h.toSHA)
	h.wg.Wait()
}
