package site

import (
	"fmt"
	iofs "io/fs"
	"os"
	"syscall"

	"github.com/spf13/afero"
)

// sysIdentity adds a file's device and inode, when info comes from the
// operating system: a file replaced by another has another inode.
func sysIdentity(info iofs.FileInfo) string {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return fmt.Sprintf(" %d:%d", st.Dev, st.Ino)
}

// mapIndexFile maps an index file read-only, when fs is the operating
// system's: its pages are in the page cache, written there by the build
// that saved it, so mapping them costs a fraction of reading 2.8 MB (at
// 10,000 articles) into memory a fresh process touches for the first time.
// ok is false when it cannot (another Fs, an empty file, a failed mmap):
// the caller reads the file instead. An index file is only ever replaced by
// renaming another over it (Written, indexFile.Commit), so no page of the
// mapping vanishes while it is read. takePlanMemo maps the plan memo
// through it too, under the same rule (savePlanMemo renames).
func mapIndexFile(fs afero.Fs, name string) (data []byte, unmap func(), ok bool) {
	if _, isOS := fs.(*afero.OsFs); !isOS {
		return nil, nil, false
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() || info.Size() == 0 || info.Size() > 1<<34 {
		return nil, nil, false
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(info.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, false
	}
	return data, func() { _ = syscall.Munmap(data) }, true
}
