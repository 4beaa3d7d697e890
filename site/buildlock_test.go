//go:build unix

package site

import (
	"context"
	"errors"
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
	s.generation = 1
	buildWaitsFor(t, fs, opts, s, held, name)
}

// Two builds of one output with different cache folders (or a read-only
// one) lock each other out too: the lock that protects the live site is
// on the output's parent folder, held here as another build of the same
// output would hold it. Fails with the lock on the cache folder only: the
// build, with a cache folder of its own, does not wait.
func TestBuildsOfOneOutputWaitWhateverTheCache(t *testing.T) {
	s := &spareSite{changed: 5}
	opts := spareOptions(t, s)
	fs := afero.NewOsFs()
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	parent := filepath.Dir(opts.OutDir)
	held, err := os.Open(parent)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	opts.CacheDir = filepath.Join(parent, "other-cache")
	s.generation = 1
	buildWaitsFor(t, fs, opts, s, held, parent)
}

// buildWaitsFor locks held as another build would and checks that a build
// of opts waits for it (reporting the wait through Progress and Waiting,
// touching nothing beside the output meanwhile), then builds once held is
// unlocked, with one warning naming name.
func buildWaitsFor(t *testing.T, fs afero.Fs, opts Options, s *spareSite, held *os.File, name string) {
	t.Helper()
	if err := syscall.Flock(int(held.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{}, 1)
	logged := make(chan string, 1)
	opts.Progress = func(p Progress) {
		if strings.HasPrefix(p.Stage, "waiting for another build") && p.Done == 0 {
			waiting <- struct{}{}
		}
	}
	opts.Waiting = func(line string) { logged <- line }
	type result struct {
		sum Summary
		err error
	}
	built := make(chan result, 1)
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
	if line := <-logged; !strings.Contains(line, name) {
		t.Errorf("Waiting got %q, want it naming %s", line, name)
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

// A build refused before it starts (no content folder; an output folder
// holding the cache folder) makes no cache folder and no lock file. Fails
// when the lock is taken first: it makes the cache folder and build.lock.
func TestRefusedBuildLeavesNothing(t *testing.T) {
	s := &spareSite{changed: 5}
	fs := afero.NewOsFs()
	opts := spareOptions(t, s)
	opts.ContentDir += "-missing"
	if _, err := Build(fs, opts); err == nil || !strings.Contains(err.Error(), "content folder not found") {
		t.Errorf("no content folder: %v, want it refused", err)
	}
	if _, err := os.Stat(opts.CacheDir); !os.IsNotExist(err) {
		t.Errorf("the refused build made its cache folder %s (%v)", opts.CacheDir, err)
	}
	opts = spareOptions(t, s)
	opts.CacheDir = filepath.Join(opts.OutDir, ".c")
	if _, err := Build(fs, opts); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("cache inside the output: %v, want it refused", err)
	}
	if _, err := os.Stat(opts.OutDir); !os.IsNotExist(err) {
		t.Errorf("the refused build made %s (%v)", opts.OutDir, err)
	}
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

// A build whose Context ends while it waits for the lock stops waiting and
// fails, having made nothing beside the output and released the lock it
// had taken (the parent's, when it waited for the cache's); with the lock free, a done Context does not stop a build. Each
// lock: the output's parent folder's and the cache folder's. Fails without
// the Context: the build waits until the holder lets go.
func TestBuildStopsWaitingWhenItsContextEnds(t *testing.T) {
	for _, which := range []string{"parent", "cache"} {
		t.Run(which, func(t *testing.T) {
			s := &spareSite{changed: 5}
			opts := spareOptions(t, s)
			fs := afero.NewOsFs()
			if _, err := Build(fs, opts); err != nil {
				t.Fatal(err)
			}
			name := filepath.Dir(opts.OutDir)
			held, err := os.Open(name)
			if which == "cache" {
				name = filepath.Join(opts.CacheDir, lockFile)
				held, err = os.OpenFile(name, os.O_RDWR, 0)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer held.Close()
			mustDo(t, syscall.Flock(int(held.Fd()), syscall.LOCK_EX))
			defer syscall.Flock(int(held.Fd()), syscall.LOCK_UN)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			opts.Context = ctx
			opts.Waiting = func(string) { cancel() } // serve shuts down while the build waits
			s.generation = 1
			built := make(chan error, 1)
			go func() {
				_, err := Build(fs, opts)
				built <- err
			}()
			select {
			case err = <-built:
			case <-time.After(30 * time.Second):
				mustDo(t, syscall.Flock(int(held.Fd()), syscall.LOCK_UN))
				<-built
				t.Fatal("the build still waited 30 s after its context ended")
			}
			if err == nil || !strings.Contains(err.Error(), "stopped waiting for another build ("+name+")") || !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want it to say it stopped waiting for %s", err, name)
			}
			if tmps, _ := filepath.Glob(opts.OutDir + ".*"); len(tmps) != 0 {
				t.Errorf("folders %v beside the output", tmps)
			}
			// The output's parent lock was released when the cache's wait stopped.
			parent, err := os.Open(filepath.Dir(opts.OutDir))
			mustDo(t, err)
			defer parent.Close()
			if which == "cache" {
				if err := syscall.Flock(int(parent.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
					t.Errorf("the output's parent is still locked: %v", err)
				}
				syscall.Flock(int(parent.Fd()), syscall.LOCK_UN)
			}
			mustDo(t, syscall.Flock(int(held.Fd()), syscall.LOCK_UN))
			if _, err := Build(fs, opts); err != nil { // ctx done, the lock free: it builds
				t.Fatal(err)
			}
			wantSparePages(t, opts.OutDir, s)
			waitRetired()
		})
	}
}
