//go:build unix

package site

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// A build waits while another holds the cache folder's build lock (here an
// open file of the test's, as another process's would be): it reports the
// wait, touches nothing beside the output meanwhile (no temporary folder),
// and builds once the lock is released, with a warning naming the lock
// file. Fails without the lock: the build does not wait.
func TestBuildWaitsForTheBuildLock(t *testing.T) {
	s := &spareSite{changed: 5}
	opts := spareOptions(t, s)
	fs := afero.NewOsFs()
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(opts.CacheDir, lockFile)
	held, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if err := syscall.Flock(int(held.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{}, 1)
	opts.Progress = func(p Progress) {
		if strings.HasPrefix(p.Stage, "waiting for another build") && p.Done == 0 {
			waiting <- struct{}{}
		}
	}
	type result struct {
		sum Summary
		err error
	}
	built := make(chan result, 1)
	s.generation = 1
	go func() {
		sum, err := Build(fs, opts)
		built <- result{sum, err}
	}()
	select {
	case r := <-built:
		t.Fatalf("the build did not wait for the lock: %v, %v", r.sum, r.err)
	case <-waiting:
	case <-time.After(time.Minute):
		t.Fatal("no wait reported in a minute")
	}
	if tmps, _ := filepath.Glob(opts.OutDir + tmpInfix + "*"); len(tmps) != 0 {
		t.Errorf("temporary folders %v beside the output while waiting", tmps)
	}
	mustDo(t, syscall.Flock(int(held.Fd()), syscall.LOCK_UN))
	r := <-built
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(r.sum.Warnings) != 1 || !strings.Contains(r.sum.Warnings[0], name) {
		t.Errorf("warnings %q, want one naming %s", r.sum.Warnings, name)
	}
	wantSparePages(t, opts.OutDir, s)
	waitRetired()
}

// A Session holds the lock from its build until its merge state is saved,
// and not after: a lock taken once Wait has returned does not wait.
// Fails if the Session's build keeps the lock (the flock would block).
func TestSessionReleasesTheBuildLock(t *testing.T) {
	s := &spareSite{changed: 5}
	opts := spareOptions(t, s)
	fs := afero.NewOsFs()
	var sess Session
	for g := 0; g < 3; g++ {
		s.generation = g
		if _, err := sess.Build(fs, opts); err != nil {
			t.Fatal(err)
		}
	}
	sess.Wait()
	f, err := os.OpenFile(filepath.Join(opts.CacheDir, lockFile), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatalf("the build lock after Session.Wait: %v", err)
	}
	waitRetired()
}
