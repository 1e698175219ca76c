package rbd

/*
#include <malloc.h>
*/
import "C"

// Malloc settings for a process that streams image data through
// librados: every chunk passes through buffers librados allocates with
// glibc's malloc, from many threads.
const (
	// mallocArenas caps glibc's per-thread arenas (default 8 per core),
	// each of which would keep its own high-water mark of freed buffers.
	mallocArenas = 2
	// mmapThreshold makes allocations from this size up mmap'd, so that
	// freeing a chunk buffer returns it to the system; without a fixed
	// value glibc raises the threshold to 32 MiB after the first frees and
	// the process keeps hundreds of MiB of freed chunk buffers.
	mmapThreshold = 256 << 10
)

// TuneMalloc sets glibc's malloc for bounded memory while streaming
// (MALLOC_ARENA_MAX and a fixed MALLOC_MMAP_THRESHOLD_). Call it once,
// before connecting to Ceph; it changes the whole process.
func TuneMalloc() {
	C.mallopt(C.M_ARENA_MAX, C.int(mallocArenas))
	C.mallopt(C.M_MMAP_THRESHOLD, C.int(mmapThreshold))
}
