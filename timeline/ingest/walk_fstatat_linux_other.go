//go:build linux && !amd64 && !arm64

package ingest

// No known call here: nameBuf.fstatat is unix.Fstatat.
const sysFstatat, haveSysFstatat = 0, false
