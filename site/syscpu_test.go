//go:build unix

package site

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The build's timings count the kernel's CPU time per stage, and the summary
// lists it against the whole.
func TestTimingsCountSystemCPU(t *testing.T) {
	b := &builder{}
	b.lap("")
	dir := t.TempDir()
	deadline := time.Now().Add(2 * time.Second)
	for systemCPU()-b.sys < 20*time.Millisecond && time.Now().Before(deadline) {
		for i := 0; i < 200; i++ {
			name := filepath.Join(dir, "f")
			if err := os.WriteFile(name, []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			_ = os.Remove(name)
		}
	}
	b.lap("write")
	w := b.sum.Timings[0]
	if w.System <= 0 || w.System > w.CPU {
		t.Errorf("system CPU %v of %v in all, want some and no more than all", w.System, w.CPU)
	}
	s := Summary{Timings: []Timing{{Stage: "load", System: 50 * time.Millisecond, CPU: 300 * time.Millisecond}, {Stage: "write", System: 3100 * time.Millisecond, CPU: 4450 * time.Millisecond}}}
	if got := s.SystemString(); got != "load 0.05/0.30s, write 3.10/4.45s" {
		t.Errorf("SystemString = %q", got)
	}
}
