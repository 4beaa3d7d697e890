//go:build unix

package serve

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/site"
)

// lockedLog is a log read while a build writes it.
type lockedLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// A rebuild waiting for another build's lock (here held by the test on the
// output's parent folder, as another build of the same output holds it)
// says so in the log while it waits. Fails without Options.Waiting set by
// New: the log stays empty until the other build is done.
func TestServeLogsAWaitForTheBuildLock(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	if err := os.MkdirAll(content, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(content, "a.txt"), []byte("first article"), 0o644); err != nil {
		t.Fatal(err)
	}
	log := &lockedLog{}
	srv := New(Config{
		Fs:    afero.NewOsFs(),
		Build: site.Options{ContentDir: content, SeedsDir: "-", OutDir: filepath.Join(dir, "public"), CacheDir: filepath.Join(dir, "cache"), Version: "test", Stages: fakeStages()},
		Log:   log,
	})
	held, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if err := syscall.Flock(int(held.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Rebuild()
		srv.session.Wait()
	}()
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(log.String(), "build: waiting for another build ("+dir) {
		if time.Now().After(deadline) {
			t.Fatalf("no wait logged in a minute; log %q", log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if strings.Contains(log.String(), "build: ") && strings.Contains(log.String(), "articles") {
		t.Errorf("the build finished while the lock was held: %q", log.String())
	}
	if err := syscall.Flock(int(held.Fd()), syscall.LOCK_UN); err != nil {
		t.Fatal(err)
	}
	<-done
	if !strings.Contains(log.String(), "warning: waited") {
		t.Errorf("no warning of the wait in %q", log.String())
	}
}
