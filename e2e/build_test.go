package e2e

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The CLI is built once per test process and run as a reader or editor would run it.
var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
	cliOut  []byte
)

// timelineCLI compiles the timeline command from the module root.
func timelineCLI(t testing.TB) string {
	t.Helper()
	cliOnce.Do(func() {
		cliPath = filepath.Join(workDir, "bin", "timeline")
		cmd := exec.Command("go", "build", "-o", cliPath, ".")
		cmd.Dir = repoRoot()
		cliOut, cliErr = cmd.CombinedOutput()
	})
	if cliErr != nil {
		t.Fatalf("go build of the timeline command failed: %v\n%s", cliErr, cliOut)
	}
	return cliPath
}

// buildResult is what one `timeline build` run left behind.
type buildResult struct {
	Out    string // the output folder
	Stdout string
	Stderr string
	Err    error // the command's exit status; keep-going builds may exit non-zero and still write
}

// runBuild runs `timeline build --content content --out out` in root, with a time limit.
func runBuild(t testing.TB, root string, limit time.Duration, extra ...string) buildResult {
	t.Helper()
	cli := timelineCLI(t)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	out := filepath.Join(root, "public")
	args := append([]string{"build", "--content", "content", "--out", out}, extra...)
	cmd := exec.CommandContext(ctx, cli, args...)
	cmd.Dir = root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("timeline %s did not finish within %v\nstderr:\n%s", strings.Join(args, " "), limit, tail(stderr.String(), 4000))
	}
	return buildResult{Out: out, Stdout: stdout.String(), Stderr: stderr.String(), Err: err}
}

// The seed site (content/ and seeds/ of the repository) is built once per process.
var (
	seedOnce sync.Once
	seedRes  buildResult
)

// seedSite builds the demo site from a copy of content/ and seeds/ and returns its folder.
func seedSite(t testing.TB) string {
	t.Helper()
	timelineCLI(t)
	seedOnce.Do(func() {
		root := filepath.Join(workDir, "seed")
		for _, dir := range []string{"content", "seeds"} {
			if err := copyTree(filepath.Join(repoRoot(), dir), filepath.Join(root, dir)); err != nil {
				seedRes.Err = err
				return
			}
		}
		seedRes = runBuild(t, root, 3*time.Minute)
	})
	if seedRes.Err != nil {
		t.Fatalf("building the seed site failed: %v\nstdout:\n%s\nstderr:\n%s", seedRes.Err, tail(seedRes.Stdout, 2000), tail(seedRes.Stderr, 4000))
	}
	return seedRes.Out
}

// copyTree copies regular files of src into dst (symlinks are not followed).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// sitePages lists the HTML files of a built site, slash-separated and relative to out.
func sitePages(t testing.TB, out string) []string {
	t.Helper()
	var pages []string
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".html") {
			rel, _ := filepath.Rel(out, path)
			pages = append(pages, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("listing pages of %s: %v", out, err)
	}
	return pages
}

// tail keeps the last n bytes of s for an error message.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
