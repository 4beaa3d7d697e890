package site

import (
	"crypto/sha256"
	"encoding/binary"
	"io"
	iofs "io/fs"
	"time"
	"unsafe"

	"github.com/spf13/afero"
)

// Unchanged files are not even opened: as make and Hugo do, a file whose path,
// size and modification time are those of a file read by an earlier build is
// taken to hold the same bytes, which the pack keeps beside the parsed article
// and its events (a raw record, keyed by statKey). Opening, reading and closing
// 10,000 small files cost about 0.3 s of CPU per build on this project's
// machines, most of it system calls and first-touch page faults; with the pack
// mapped (Options.MapCache) the bytes cost neither.
//
// The known limit, shared with make and Hugo: an edit that keeps both the size
// and the modification time is not seen. Only an edit within the file system's
// timestamp granularity can do that, or a tool that sets the time back on
// purpose; a file modified less than racyWindow before the build started is
// therefore never recorded (git's "racy clean" rule), and --no-cache reads
// every file.

// racyWindow is how recent a file's modification time may be for its bytes to
// be recorded: wider than any file system's timestamp granularity (FAT's is 2 s).
// Tests shorten it to record files they have just written.
var racyWindow = 3 * time.Second

// statKey names a file's bytes by what the walk found of it.
func statKey(version, path string, info iofs.FileInfo) [32]byte {
	h := sha256.New()
	io.WriteString(h, "raw\x00"+version+"\x00"+path+"\x00")
	var buf []byte
	buf = binary.AppendVarint(buf, info.Size())
	buf = binary.AppendVarint(buf, info.ModTime().UnixNano())
	buf = binary.AppendUvarint(buf, uint64(info.Mode()))
	h.Write(buf)
	var key [32]byte
	h.Sum(key[:0])
	return key
}

// cachedRead returns ingest's ReadFile hook: a file's bytes come from the pack
// when its stat is unchanged, and are recorded there when they are read (unless
// the file is too recent to trust its time, see racyWindow).
func cachedRead(fs afero.Fs, cache *extractCache, version string, start time.Time) func(string, iofs.FileInfo) ([]byte, error) {
	trustBefore := start.Add(-racyWindow)
	return func(path string, info iofs.FileInfo) ([]byte, error) {
		key := statKey(version, path, info)
		if enc, ok := cache.record(key); ok && int64(len(enc)) == info.Size() {
			return rawOf(enc), nil
		}
		raw, err := afero.ReadFile(fs, path)
		if err != nil {
			return nil, err
		}
		if int64(len(raw)) == info.Size() && info.ModTime().Before(trustBefore) {
			cache.putRecord(key, unsafe.String(unsafe.SliceData(raw), len(raw))) // copied into the record
		}
		return raw, nil
	}
}

// rawOf views a record as the file's bytes without copying them: nothing
// writes to an article's Raw (see bodyOf), and a mapped pack is read-only.
func rawOf(enc string) []byte {
	if enc == "" {
		return []byte{}
	}
	return unsafe.Slice(unsafe.StringData(enc), len(enc))
}
