package libvirt

import (
	"crypto/rand"
	"encoding/binary"

	"github.com/gostack/gostack/services/fault"
)

const swapPageSize = 4096

// SwapHeader returns the first page of a Linux swap area (version 1, as
// mkswap writes it) for a device of size bytes, labelled with up to 16
// bytes of label. A device needs at least 10 pages.
func SwapHeader(size uint64, label string) ([]byte, error) {
	pages := size / swapPageSize
	if pages < 10 {
		return nil, fault.New(fault.Invalid, "A swap disk of %d bytes is too small: it needs at least %d bytes.", size, 10*swapPageSize)
	}
	if pages-1 > 0xffffffff {
		pages = 0xffffffff + 1
	}
	h := make([]byte, swapPageSize)
	binary.LittleEndian.PutUint32(h[1024:], 1)               // version
	binary.LittleEndian.PutUint32(h[1028:], uint32(pages-1)) // last_page
	binary.LittleEndian.PutUint32(h[1032:], 0)               // nr_badpages
	if _, err := rand.Read(h[1036:1052]); err != nil {       // uuid
		return nil, err
	}
	h[1036+6] = h[1036+6]&0x0f | 0x40 // a version 4 uuid
	h[1036+8] = h[1036+8]&0x3f | 0x80
	copy(h[1052:1068], label) // volume name
	copy(h[swapPageSize-10:], "SWAPSPACE2")
	return h, nil
}
