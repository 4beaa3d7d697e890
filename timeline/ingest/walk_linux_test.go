package ingest

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"golang.org/x/sys/unix"

	"github.com/newsline/timeline/internal/cputime"
)

// lstatAll's relative stats say what os.Lstat says of every kind of entry
// (file, folder, symbolic link, named pipe, setgid/sticky bits), and fail
// as it does for a name that is gone.
func TestRelativeLstatMatchesOSLstat(t *testing.T) {
	dir := t.TempDir()
	mustOK := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustOK(os.WriteFile(filepath.Join(dir, "a.md"), []byte("hello"), 0o640))
	mustOK(os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	mustOK(os.Chmod(filepath.Join(dir, "sub"), 0o755|os.ModeSetgid|os.ModeSticky))
	mustOK(os.Symlink("a.md", filepath.Join(dir, "link.md")))
	mustOK(syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600))
	long := strings.Repeat("x", 252) + ".md" // 255 bytes: the longest name, its NUL the buffer's last byte
	mustOK(os.WriteFile(filepath.Join(dir, long), []byte("long"), 0o644))
	names := []string{"a.md", "gone.md", "link.md", "pipe", "sub", long, strings.Repeat("y", 252) + ".md", "nul\x00.md", strings.Repeat("z", 300)}
	for i := 0; i < 200; i++ { // enough for several runs
		names = append(names, "a.md")
	}
	infos, errs := lstatAll(afero.NewOsFs(), dir, names, 4)
	for i, name := range names {
		want, wantErr := os.Lstat(filepath.Join(dir, name))
		if wantErr != nil {
			if errs[i] == nil || errs[i].Error() != wantErr.Error() {
				t.Errorf("%s: error %v, want %v", name, errs[i], wantErr)
			}
			continue
		}
		got := infos[i]
		if errs[i] != nil || got == nil {
			t.Fatalf("%s: %v", name, errs[i])
		}
		if got.Name() != want.Name() || got.Size() != want.Size() || got.Mode() != want.Mode() ||
			!got.ModTime().Equal(want.ModTime()) || got.IsDir() != want.IsDir() {
			t.Errorf("%s: %s %d %v %v %v, want %s %d %v %v %v", name, got.Name(), got.Size(), got.Mode(), got.ModTime(), got.IsDir(),
				want.Name(), want.Size(), want.Mode(), want.ModTime(), want.IsDir())
		}
		if !reflect.DeepEqual(got.Sys(), want.Sys()) {
			t.Errorf("%s: Sys %+v, want %+v", name, got.Sys(), want.Sys())
		}
	}
}

// nameBuf.fstatat stats a name without allocating (unix.Fstatat copies it
// into a new slice for the NUL), and says what unix.Fstatat says.
func TestFstatatAllocatesNothing(t *testing.T) {
	if !haveSysFstatat {
		t.Skip("no known fstatat call on this architecture: unix.Fstatat is used")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.md"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	var b nameBuf
	var got, want unix.Stat_t
	if n := testing.AllocsPerRun(100, func() { err = b.fstatat(fd, "a.md", &got) }); n != 0 || err != nil {
		t.Errorf("%v allocations a stat, error %v", n, err)
	}
	if err := unix.Fstatat(fd, "a.md", &want, unix.AT_SYMLINK_NOFOLLOW); err != nil || got != want {
		t.Errorf("stat %+v, unix.Fstatat's %+v (%v)", got, want, err)
	}
	if err, want := b.fstatat(fd, "gone.md", &got), unix.Fstatat(fd, "gone.md", &want, unix.AT_SYMLINK_NOFOLLOW); err != want {
		t.Errorf("gone: %v, unix.Fstatat's %v", err, want)
	}
}

// BenchmarkLstatAll stats a folder of 2,000 files (the walk's per-file
// cost in a build that reads no file) by path and relative to the folder,
// and reports the process's CPU µs per file.
//
//	go test -run '^$' -bench LstatAll ./timeline/ingest
func BenchmarkLstatAll(b *testing.B) {
	dir := b.TempDir()
	var names []string
	for i := 0; i < 2000; i++ {
		name := filepath.Base(filepath.Join(dir, "article-"+string(rune('a'+i%26))+"-"+itoa(i)+".md"))
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			b.Fatal(err)
		}
		names = append(names, name)
	}
	for _, relative := range []bool{false, true} {
		b.Run(map[bool]string{false: "path", true: "relative"}[relative], func(b *testing.B) {
			defer func(was bool) { lstatRelative = was }(lstatRelative)
			lstatRelative = relative
			b.ReportAllocs()
			start, _ := cputime.Process()
			for i := 0; i < b.N; i++ {
				lstatAll(afero.NewOsFs(), dir, names, 2)
			}
			end, _ := cputime.Process()
			b.ReportMetric(float64((end-start).Nanoseconds())/1000/float64(b.N*len(names)), "cpu-µs/file")
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
