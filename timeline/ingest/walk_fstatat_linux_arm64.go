package ingest

import "golang.org/x/sys/unix"

// sysFstatat is the system call unix.Fstatat makes here (nameBuf.fstatat).
const sysFstatat, haveSysFstatat = unix.SYS_FSTATAT, true
