package site

import (
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// Every flush of every build of the package's tests compares liveOld's
// count (used less fresh) with the records counted one by one: a mismatch
// panics, which fails the build ("internal error") and so the test.
func init() { liveOldCheck = checkLiveOld }

var liveOldChecks atomic.Int64

func checkLiveOld(c *extractCache, n int) {
	liveOldChecks.Add(1)
	if slow := liveOldCount(c); slow != n {
		panic(fmt.Sprintf("liveOld: %d used less %d fresh = %d, but %d old records used", len(c.used), len(c.fresh), n, slow))
	}
}

// liveOldCount counts the records of the old pack this build used, one
// used key at a time (what flush did before liveOld).
func liveOldCount(c *extractCache) int {
	n := 0
	for key := range c.used {
		if _, ok := c.records[key]; ok && !c.fresh[key] {
			n++
		}
	}
	return n
}

// The count is checked by full, incremental, removing and --no-cache
// builds, on their own and in a Session (kept records), and the check
// catches a used key that is not an old record.
func TestLiveOldIsUsedLessFresh(t *testing.T) {
	for _, warm := range []bool{false, true} {
		mem, _, opts := newSite(t)
		opts.ContentDir, opts.OutDir, opts.CacheDir = "content", "public", ".timeline-cache"
		var s Session
		build := func(step string, o Options) {
			t.Helper()
			var err error
			if warm {
				_, err = s.Build(mem, o)
			} else {
				_, err = Build(mem, o)
			}
			if err != nil {
				t.Fatalf("warm %v, %s: %v", warm, step, err)
			}
		}
		was := liveOldChecks.Load()
		build("first", opts)
		build("no change", opts)
		writeFiles(t, mem, map[string]string{"content/a.txt": "alpha one\nalpha three\n", "content/c.txt": "gamma\n"})
		build("edit and add", opts)
		mustDo(t, mem.Remove(filepath.Join("content", "b.txt")))
		build("remove", opts)
		for i := range 4 { // the pack grows dead records until it is compacted
			writeFiles(t, mem, map[string]string{"content/a.txt": fmt.Sprintf("alpha %d\n", i)})
			build(fmt.Sprintf("edit %d", i), opts)
		}
		noCache := opts
		noCache.NoCache = true
		build("--no-cache", noCache)
		build("after --no-cache", opts)
		s.Wait()
		t.Logf("warm %v: %d counts checked", warm, liveOldChecks.Load()-was)
		if n := liveOldChecks.Load() - was; n < 6 {
			t.Errorf("warm %v: %d counts checked, want one per build that kept its pack (6 or more)", warm, n)
		}
	}
	// The check is not vacuous: a used key absent from records.
	c := &extractCache{records: map[[32]byte]packEntry{{1}: {}}, used: map[[32]byte]bool{{1}: true, {2}: true}, fresh: map[[32]byte]bool{}}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a used key that is not an old record: no mismatch reported")
			}
		}()
		c.liveOld()
	}()
}
