package site

import (
	"os"

	"github.com/spf13/afero"
)

// readPack returns the extraction pack's bytes, and whether they are mapped.
// With mapped set, a pack on the
// operating system's file system is mapped into memory read-only instead of
// being copied into the heap (see mapFile); any other file system, and any
// failure to map, falls back to reading the file.
//
// Why: on this project's build machines, memory a process touches for the
// first time costs about 5 ms of CPU per MB (page faults in a virtual
// machine), so copying an 80 MB pack into fresh heap cost about 0.5 s, while
// mapping the file's pages, already in the page cache, costs a few ms.
func readPack(fs afero.Fs, name string, mapped bool) (data []byte, isMapped bool, err error) {
	if mapped {
		if data, ok := mapPack(fs, name); ok {
			return data, true, nil
		}
	}
	data, err = afero.ReadFile(fs, name)
	return data, false, err
}

// mapPack maps name when fs opens it as an *os.File; ok is false when it is not
// one, is empty, or cannot be mapped (the caller then reads it).
func mapPack(fs afero.Fs, name string) (data []byte, ok bool) {
	f, err := fs.Open(name)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	osf, isOS := f.(*os.File)
	if !isOS {
		return nil, false
	}
	info, err := osf.Stat()
	if err != nil || !info.Mode().IsRegular() || info.Size() <= 0 || int64(int(info.Size())) != info.Size() {
		return nil, false
	}
	data, err = mapFile(osf, int(info.Size()))
	return data, err == nil
}
