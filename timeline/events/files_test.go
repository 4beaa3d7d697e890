package events_test

import (
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
)

func TestExtractFilesReadsSidecarsAndReportsEveryBadFile(t *testing.T) {
	fs := afero.NewMemMapFs()
	afero.WriteFile(fs, "seeds/quay.txt", []byte("The Vell harbour board approved the new quay on Monday.\n"), 0o644)
	afero.WriteFile(fs, "seeds/quay.yaml", []byte("title: Vell approves quay\ndate: 2022-05-06\n"), 0o644)
	afero.WriteFile(fs, "seeds/undated.txt", []byte("No date anywhere.\n"), 0o644)
	tl, errs := events.ExtractFiles(fs, []string{"seeds/quay.txt", "seeds/undated.txt", "seeds/missing.txt"}, ingest.Options{})
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "seeds/undated.txt") || !strings.Contains(errs[1].Error(), "seeds/missing.txt") {
		t.Errorf("errors %v, want one naming each bad file", errs)
	}
	var got []string
	for _, j := range events.ToJSON(tl.Events) {
		got = append(got, j.Start+" "+j.Title)
		if j.ID == "" || j.Source != "seeds/quay.txt" || len(j.Mentions) == 0 {
			t.Errorf("event %+v lacks id, source or mentions", j)
		}
	}
	if strings.Join(got, "|") != "2022-05-02 The Vell harbour board approved the new quay|2022-05-06 Vell approves quay" {
		t.Errorf("events %q", got)
	}
}
