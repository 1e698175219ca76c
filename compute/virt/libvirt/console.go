package libvirt

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

// ConsoleOutput returns the tail of the guest's serial console log: the
// last maxLines lines (all when maxLines <= 0) of at most the last
// virt.MaxConsoleBytes of the log. A guest that has written nothing yet
// has an empty log.
func (d *Driver) ConsoleOutput(ctx context.Context, uuid string, maxLines int) (string, error) {
	if err := d.withDomain(uuid, "read the console of", func(*golibvirt.Domain) error { return nil }); err != nil {
		return "", err
	}
	data, err := lastBytes(d.consoleLog(uuid), virt.MaxConsoleBytes)
	if err != nil {
		return "", err
	}
	return string(TailLines(data, maxLines)), nil
}

// lastBytes reads up to n bytes from the end of a file; a missing file is
// empty.
func lastBytes(path string, n int64) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fault.Wrap(err, fault.Internal, "Cannot read the console log.")
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fault.Wrap(err, fault.Internal, "Cannot read the console log.")
	}
	off := max(st.Size()-n, 0)
	buf := make([]byte, st.Size()-off)
	if _, err := f.ReadAt(buf, off); err != nil && err != io.EOF {
		return nil, fault.Wrap(err, fault.Internal, "Cannot read the console log.")
	}
	return buf, nil
}

// TailLines returns the last n pieces of data split at newlines, joined
// again (all of it when n <= 0), as nova's _tail_log: a final newline
// ends an empty last piece, so "a\nb\n" has three.
func TailLines(data []byte, n int) []byte {
	if n <= 0 || len(data) == 0 {
		return data
	}
	end := len(data)
	for i := 0; i < n; i++ {
		j := bytes.LastIndexByte(data[:end], '\n')
		if j < 0 {
			return data
		}
		end = j
	}
	return data[end+1:]
}
