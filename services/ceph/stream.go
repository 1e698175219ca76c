package ceph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/gostack/gostack/services/fault"
)

// Defaults for StreamOptions.
const (
	DefaultChunkSize = 8 << 20
	DefaultInFlight  = 4
)

// StreamOptions tune how data moves between an image and a Go stream. A
// stream holds at most ChunkSize × InFlight bytes of buffers, whatever the
// image's size.
type StreamOptions struct {
	// ChunkSize is the size of each read from or write to the image;
	// DefaultChunkSize when zero. A multiple of the object size (4 MiB by
	// default) keeps writes to whole objects.
	ChunkSize int
	// InFlight is how many chunks are read or written concurrently (each a
	// blocking librbd call on its own thread); DefaultInFlight when zero.
	InFlight int
	// SkipZeros leaves chunks that are all zeros unwritten, so they stay
	// thin. It is only correct where the image already reads as zeros, as a
	// new image does.
	SkipZeros bool
}

func (o StreamOptions) withDefaults() StreamOptions {
	if o.ChunkSize <= 0 {
		o.ChunkSize = DefaultChunkSize
	}
	if o.InFlight <= 0 {
		o.InFlight = DefaultInFlight
	}
	return o
}

// growStep caps how far one resize grows an image beyond the data.
const growStep = 1 << 30

// growTarget returns the size to grow an image of size bytes to so that it
// holds end bytes: at least end, doubling small images and growing large
// ones by up to growStep, rounded up to chunk, so that an upload of unknown
// length resizes the image a logarithmic number of times.
func growTarget(size, end uint64, chunk int) uint64 {
	target := size + min(size, growStep)
	target = max(target, end)
	c := uint64(chunk)
	return (target + c - 1) / c * c
}

// WriteFrom writes r's data into the image from offset off until r is
// exhausted, growing the image as the data arrives (an upload of unknown
// length). An image it grew ends exactly at the end of the data; it never
// shrinks below its size before the call. It returns the bytes read from r;
// after an error some of them may not have reached the image. An error
// reading r is returned wrapped, unclassified: it is the caller's.
func (i *Image) WriteFrom(ctx context.Context, off int64, r io.Reader, opts StreamOptions) (int64, error) {
	if i.readOnly {
		return 0, fault.New(fault.Conflict, "RBD %s is open read-only.", describe(i.spec))
	}
	return writeStream(ctx, i, off, r, opts)
}

// device is what the streams need of an image; a fake one tests the
// pipelines' logic.
type device interface {
	io.ReaderAt
	io.WriterAt
	Size(ctx context.Context) (uint64, error)
	resize(ctx context.Context, size uint64, shrink bool) error
	String() string
}

func writeStream(ctx context.Context, i device, off int64, r io.Reader, opts StreamOptions) (int64, error) {
	opts = opts.withDefaults()
	if off < 0 {
		return 0, fault.New(fault.Invalid, "Negative offset %d for %s.", off, i)
	}
	origSize, err := i.Size(ctx)
	if err != nil {
		return 0, err
	}
	size, grew := origSize, false

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
	}
	failed := func() error {
		mu.Lock()
		defer mu.Unlock()
		return firstErr
	}
	free := make(chan []byte, opts.InFlight)
	for k := 0; k < opts.InFlight; k++ {
		free <- nil // buffers are made on first use
	}

	pos := uint64(off)
	for {
		if err := errCtx(ctx); err != nil {
			fail(err)
			break
		}
		buf := <-free
		if failed() != nil {
			break
		}
		if buf == nil {
			buf = make([]byte, opts.ChunkSize)
		}
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			end := pos + uint64(n)
			if end > size {
				target := growTarget(size, end, opts.ChunkSize)
				if err := i.resize(ctx, target, false); err != nil {
					fail(err)
					free <- buf
					break
				}
				size, grew = target, true
			}
			if opts.SkipZeros && allZero(buf[:n]) {
				free <- buf
			} else {
				wg.Add(1)
				go func(b []byte, at int64) {
					defer wg.Done()
					if _, err := i.WriteAt(b, at); err != nil {
						fail(err)
					}
					free <- b[:cap(b)]
				}(buf[:n], int64(pos))
			}
			pos = end
		} else {
			free <- buf
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			fail(fmt.Errorf("read the data for %s: %w", i, rerr))
			break
		}
	}
	wg.Wait()
	n := int64(pos) - off
	if err := failed(); err != nil {
		return n, err
	}
	if grew && pos < size {
		if err := i.resize(ctx, max(pos, origSize), true); err != nil {
			return n, err
		}
	}
	return n, nil
}

func allZero(b []byte) bool {
	for len(b) >= 8 {
		if b[0]|b[1]|b[2]|b[3]|b[4]|b[5]|b[6]|b[7] != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// ReadTo writes n bytes of the image from offset off to w, in order; n < 0
// means up to the end of the image, and a range past the end is cut at the
// end. Chunks are read ahead concurrently (opts.InFlight) while w consumes
// them. It returns the bytes written to w. An error writing to w is
// returned wrapped, unclassified: it is the caller's.
func (i *Image) ReadTo(ctx context.Context, w io.Writer, off, n int64, opts StreamOptions) (int64, error) {
	return readStream(ctx, i, w, off, n, opts)
}

func readStream(ctx context.Context, i device, w io.Writer, off, n int64, opts StreamOptions) (int64, error) {
	opts = opts.withDefaults()
	size, err := i.Size(ctx)
	if err != nil {
		return 0, err
	}
	if off < 0 || uint64(off) > size {
		return 0, fault.New(fault.Invalid, "Offset %d is outside %s (%d bytes).", off, i, size)
	}
	end := size
	if n >= 0 && uint64(off)+uint64(n) < end {
		end = uint64(off) + uint64(n)
	}

	type chunk struct {
		buf  []byte
		done chan error
	}
	queue := make(chan *chunk, opts.InFlight)
	free := make(chan []byte, opts.InFlight)
	for k := 0; k < opts.InFlight; k++ {
		free <- nil
	}
	stop := make(chan struct{})
	var produceErr error
	go func() {
		defer close(queue)
		for pos := uint64(off); pos < end; {
			var buf []byte
			select {
			case buf = <-free:
			case <-stop:
				return
			}
			if err := errCtx(ctx); err != nil {
				produceErr = err
				return
			}
			if buf == nil {
				buf = make([]byte, opts.ChunkSize)
			}
			m := min(uint64(len(buf)), end-pos)
			c := &chunk{buf: buf[:m], done: make(chan error, 1)}
			go func(at int64) {
				got, err := i.ReadAt(c.buf, at)
				if err == io.EOF && got == len(c.buf) {
					err = nil
				}
				if err == nil && got < len(c.buf) || err == io.EOF {
					err = fault.New(fault.Conflict, "%s shrank while it was being read.", i)
				}
				c.done <- err
			}(int64(pos))
			queue <- c
			pos += m
		}
	}()

	var written int64
	var firstErr error
	for c := range queue {
		err := <-c.done // always wait: a read in flight must end before the image may close
		if firstErr != nil {
			continue
		}
		if err == nil {
			var m int
			m, err = w.Write(c.buf)
			written += int64(m)
			if err != nil {
				err = fmt.Errorf("write the data of %s: %w", i, err)
			}
		}
		if err != nil {
			firstErr = err
			close(stop)
			continue
		}
		free <- c.buf[:cap(c.buf)]
	}
	if firstErr == nil {
		firstErr = produceErr
	}
	return written, firstErr
}

// ImportOptions tune Import.
type ImportOptions struct {
	// Size is the declared length of the data (an HTTP Content-Length) when
	// positive: the image is created at that size and data of any other
	// length is fault.Invalid. Zero or less means unknown: the image grows
	// as the data arrives.
	Size   int64
	Create CreateOptions
	Stream StreamOptions
}

// Import creates the image spec and fills it from r, returning the image's
// size. If anything fails, the image is removed again, so a failed upload
// leaves no orphan; an existing image is fault.Conflict and left alone.
func (c *Client) Import(ctx context.Context, spec Spec, r io.Reader, opts ImportOptions) (int64, error) {
	if err := spec.validPlain(); err != nil {
		return 0, err
	}
	declared := max(opts.Size, 0)
	if err := c.Create(ctx, spec, uint64(declared), opts.Create); err != nil {
		return 0, err
	}
	n, err := c.importInto(ctx, spec, r, declared, opts.Stream)
	if err != nil {
		// The caller's ctx may be what failed; clean up on a fresh one,
		// bounded by the librados timeouts.
		rmErr := c.Remove(context.WithoutCancel(ctx), spec, RemoveOptions{PurgeSnapshots: true, Retry: &Backoff{Attempts: 3, Initial: c.removeRetry.Initial, Sleep: c.removeRetry.Sleep}})
		if rmErr != nil && fault.KindOf(rmErr) != fault.NotFound {
			return n, errors.Join(err, fmt.Errorf("also could not remove the partial image: %w", rmErr))
		}
		return n, err
	}
	return n, nil
}

func (c *Client) importInto(ctx context.Context, spec Spec, r io.Reader, declared int64, opts StreamOptions) (int64, error) {
	img, err := c.Open(ctx, spec)
	if err != nil {
		return 0, err
	}
	src := r
	if declared > 0 {
		// One byte more than declared shows an over-long body.
		src = io.LimitReader(r, declared+1)
	}
	n, err := img.WriteFrom(ctx, 0, src, opts)
	if cerr := img.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	if declared > 0 && n != declared {
		return n, fault.New(fault.Invalid,
			"The image data for RBD %s was %s bytes, not the declared %d.", spec, sizeText(n, declared), declared)
	}
	return n, nil
}

func sizeText(n, declared int64) string {
	if n > declared {
		return fmt.Sprintf("more than %d", declared)
	}
	return fmt.Sprint(n)
}

// ExportOptions tune Export.
type ExportOptions struct {
	// Offset and Length select a byte range; Length <= 0 means up to the
	// end.
	Offset, Length int64
	Stream         StreamOptions
}

// Export writes an image's (or a snapshot's) data, or a range of it, to w
// and returns the bytes written.
func (c *Client) Export(ctx context.Context, spec Spec, w io.Writer, opts ExportOptions) (int64, error) {
	img, err := c.OpenReadOnly(ctx, spec)
	if err != nil {
		return 0, err
	}
	defer img.Close()
	n := opts.Length
	if n <= 0 {
		n = -1
	}
	return img.ReadTo(ctx, w, opts.Offset, n, opts.Stream)
}
