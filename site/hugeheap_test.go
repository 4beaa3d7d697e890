package site

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func TestFreshProbeKeepsProbesUntilOneIsFresh(t *testing.T) {
	resident := []bool{true, true, false}
	calls := 0
	probes, ok := freshProbe(func() []byte { return make([]byte, 1) },
		func([]byte) bool { calls++; return resident[calls-1] }, 8)
	if !ok || len(probes) != 3 {
		t.Errorf("got %d probes, ok=%v; want 3, true", len(probes), ok)
	}
}

func TestFreshProbeGivesUp(t *testing.T) {
	probes, ok := freshProbe(func() []byte { return make([]byte, 1) }, func([]byte) bool { return true }, 4)
	if ok || len(probes) != 4 {
		t.Errorf("got %d probes, ok=%v; want 4, false", len(probes), ok)
	}
}

func TestHugeHeapSizeFollowsTheMemoryLimit(t *testing.T) {
	if got := hugeHeapSize(256 << 20); got != 256<<20 {
		t.Errorf("hugeHeapSize(256 MiB) = %d", got)
	}
	if got := hugeHeapSize(-1); got != DefaultMemoryLimit {
		t.Errorf("hugeHeapSize(none) = %d, want the default limit", got)
	}
}

// hugeHeapChildEnv marks the fresh process that runs the huge page check.
const hugeHeapChildEnv = "TIMELINE_HUGEHEAP_CHILD"

// After prepareHugeHeap, memory the program allocates and touches is backed
// by huge pages (where the kernel offers them on request). A build prepares
// the heap of a fresh process; after the package's other tests the heap's
// frontier lies behind freed memory the probes may not get past, so the
// check runs in a fresh process of the test binary.
func TestPrepareHugeHeapBacksLaterAllocationsWithHugePages(t *testing.T) {
	if !hugePagesSupported {
		t.Skip("no huge page advice on this platform")
	}
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || !strings.Contains(string(mode), "[madvise]") && !strings.Contains(string(mode), "[always]") {
		t.Skipf("transparent huge pages are not offered on request here (%q)", strings.TrimSpace(string(mode)))
	}
	if os.Getenv(hugeHeapChildEnv) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), hugeHeapChildEnv+"=1")
		out, err := cmd.CombinedOutput()
		if err == nil && strings.Contains(string(out), "--- SKIP") {
			t.Skipf("skipped in the fresh process:\n%s", out)
		}
		if err != nil || !strings.Contains(string(out), "--- PASS") {
			t.Fatalf("the check in a fresh process failed (%v):\n%s", err, out)
		}
		return
	}
	advised := prepareHugeHeap(128 << 20)
	if advised < 64<<20 {
		t.Fatalf("advised %d bytes of a 128 MiB heap", advised)
	}
	before := anonHugeKB(t)      // after: preparing releases the free heap
	blocks := make([][]byte, 64) // 64 MiB in 1 MiB objects, as a build allocates
	for i := range blocks {
		blocks[i] = make([]byte, 1<<20)
		for j := 0; j < len(blocks[i]); j += 4096 {
			blocks[i][j] = 1
		}
	}
	if got := anonHugeKB(t) - before; got < 16<<10 {
		t.Errorf("64 MiB touched after prepareHugeHeap: %d KiB of it in huge pages, want at least 16 MiB", got)
	}
}

// anonHugeKB reads the process's anonymous memory in huge pages.
func anonHugeKB(t *testing.T) int {
	f, err := os.Open("/proc/self/smaps_rollup")
	if err != nil {
		t.Skipf("cannot read huge page use: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "AnonHugePages:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return kb
		}
	}
	t.Skip("no AnonHugePages in /proc/self/smaps_rollup")
	return 0
}
