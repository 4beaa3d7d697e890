package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

func TestExtractPrintsOneJSONArray(t *testing.T) {
	fs := afero.NewMemMapFs()
	afero.WriteFile(fs, "a.txt", []byte("The Vell council approved the quay on Monday.\nIt costs too much, critics say.\n"), 0o644)
	var out, errOut bytes.Buffer
	if err := runExtract(fs, &out, &errOut, []string{"a.txt"}, "2022-05-06"); err != nil {
		t.Fatal(err, errOut.String())
	}
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not one JSON array: %v\n%s", err, out.String())
	}
	if len(got) != 2 {
		t.Fatalf("got %d events, want the dated approval and the lead event:\n%s", len(got), out.String())
	}
	first := got[0]
	for _, key := range []string{"id", "title", "start", "text", "source", "offset", "mentions", "entities"} {
		if _, ok := first[key]; !ok {
			t.Errorf("event lacks %q: %v", key, first)
		}
	}
	if first["start"] != "2022-05-02" || first["source"] != "a.txt" || first["text"] != "The Vell council approved the quay on Monday." {
		t.Errorf("first event %v", first)
	}
	m := first["mentions"].([]any)[0].(map[string]any)
	at := strings.Index("The Vell council approved the quay on Monday.", "Monday")
	if tx := m["timex"].([]any); int(tx[0].(float64)) != at || int(tx[1].(float64)) != at+len("Monday") {
		t.Errorf("timex offsets %v, want [%d %d] (\"Monday\")", tx, at, at+len("Monday"))
	}
}

func TestExtractReportsBadFilesAndBadDate(t *testing.T) {
	fs := afero.NewMemMapFs()
	afero.WriteFile(fs, "undated.txt", []byte("Text.\n"), 0o644)
	var out, errOut bytes.Buffer
	err := runExtract(fs, &out, &errOut, []string{"undated.txt", "missing.txt"}, "")
	if err == nil || !strings.Contains(errOut.String(), "undated.txt") || !strings.Contains(errOut.String(), "missing.txt") {
		t.Errorf("err %v, stderr %q: want both files named", err, errOut.String())
	}
	if strings.TrimSpace(out.String()) != "[]" {
		t.Errorf("stdout %q, want an empty array", out.String())
	}
	if err := runExtract(fs, &out, &errOut, []string{"undated.txt"}, "2022-13-01"); err == nil {
		t.Error("a bad --date must be an error")
	}
}
