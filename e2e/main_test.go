package e2e

import (
	"fmt"
	"os"
	"testing"
)

// workDir is a folder for the whole test process: the compiled CLI, the seed
// site and the browser profile live there and are removed at the end.
var workDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "timeline-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(2)
	}
	workDir = dir
	code := m.Run()
	stopBrowser()
	os.RemoveAll(dir)
	os.Exit(code)
}
