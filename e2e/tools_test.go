package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// requireEnv is the variable that turns "tool missing, skip" into a failure,
// so CI can never pass by skipping the browser tests.
const requireEnv = "TIMELINE_E2E_REQUIRE"

// missing skips the test (or fails it when requireEnv is set) because a tool is absent.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(requireEnv) != "" {
		t.Fatalf("required tool missing ("+requireEnv+" is set): "+format, args...)
	}
	t.Skipf("skip: "+format+" (run .ci/run, or see README 'Testing and CI', to install it)", args...)
}

// e2eDir is the absolute path of this package's folder, where node_modules lives.
func e2eDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// repoRoot is the module root, one level above e2e/.
func repoRoot() string { return filepath.Dir(e2eDir()) }

// chromiumPath finds Debian's Chromium (or a Chrome named by TIMELINE_CHROMIUM).
func chromiumPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("TIMELINE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(t, "no chromium on PATH (apt-get install -y chromium)")
	return ""
}

// nodeModule returns the absolute path of a file inside e2e/node_modules.
func nodeModule(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(e2eDir(), "node_modules", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		missing(t, "%s is absent (cd e2e && npm ci)", filepath.Join("e2e/node_modules", rel))
	}
	return p
}

// lookTool returns the path of a command or skips the test.
func lookTool(t testing.TB, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, "no %s on PATH (%s)", name, install)
	}
	return p
}

// debianPython returns a python3 that can import every module given. Debian's
// /usr/bin/python3 comes first: python3-feedparser and python3-icalendar are
// installed for it, not for a python3 that a version manager put earlier on PATH.
func debianPython(t testing.TB, modules ...string) string {
	t.Helper()
	candidates := []string{"/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, p)
	}
	for _, py := range candidates {
		args := []string{"-c", "import sys\nfor m in sys.argv[1:]: __import__(m)"}
		if exec.Command(py, append(args, modules...)...).Run() == nil {
			return py
		}
	}
	missing(t, "no python3 that can import %v (apt-get install -y python3-feedparser python3-icalendar)", modules)
	return ""
}
