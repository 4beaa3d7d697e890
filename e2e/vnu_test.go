package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// vnuMessage is one message of the Nu HTML Checker's JSON output.
type vnuMessage struct {
	Type     string `json:"type"`
	SubType  string `json:"subType"`
	URL      string `json:"url"`
	LastLine int    `json:"lastLine"`
	FirstCol int    `json:"firstColumn"`
	Message  string `json:"message"`
	Extract  string `json:"extract"`
}

// runVNU checks HTML files with the Nu HTML Checker and returns its errors
// (warnings are not asked for). Files are checked in one Java run: the JVM
// start costs more than the checking.
func runVNU(t testing.TB, files []string) []vnuMessage {
	t.Helper()
	jar := nodeModule(t, "vnu-jar/build/dist/vnu.jar")
	java := lookTool(t, "java", "apt-get install -y default-jre-headless")
	args := append([]string{"-jar", jar, "--errors-only", "--format", "json"}, files...)
	cmd := exec.Command(java, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run() // exit status 1 just means errors were found
	// vnu writes its JSON report to stderr.
	report := stderr.Bytes()
	if len(bytes.TrimSpace(report)) == 0 {
		report = stdout.Bytes()
	}
	var parsed struct {
		Messages []vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal(report, &parsed); err != nil {
		t.Fatalf("vnu output is not JSON (%v, run error %v):\n%s", err, runErr, tail(string(report), 2000))
	}
	var errs []vnuMessage
	for _, m := range parsed.Messages {
		if m.Type == "error" || m.SubType == "fatal" || m.Type == "non-document-error" {
			errs = append(errs, m)
		}
	}
	return errs
}

// vnuPlace turns the checker's file: URL back into a path relative to root.
func vnuPlace(root string, m vnuMessage) string {
	path := m.URL
	if u, err := url.Parse(m.URL); err == nil && u.Scheme == "file" {
		path = u.Path
	}
	if rel, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(rel, "..") {
		path = filepath.ToSlash(rel)
	}
	return fmt.Sprintf("%s:%d:%d", path, m.LastLine, m.FirstCol)
}
