//go:build !linux

package site

const (
	hugePagesSupported = false
	hugePageSize       = 2 << 20
)

func adviseHugePages([]byte) int { return 0 }

func anyResident([]byte) bool { return true }

func strictOvercommit() bool { return false }
