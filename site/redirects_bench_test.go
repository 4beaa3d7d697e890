package site

import (
	"fmt"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

// The cost the redirects add to every build of a large site, with no ID
// gone: reading the previous record, planning, writing the next one.
// 116,000 events (the 10k benchmark's merged timeline).
func BenchmarkRedirectsLargeSite(b *testing.B) {
	tl := timeline.Timeline{Events: make([]timeline.Event, 116000)}
	for i := range tl.Events {
		tl.Events[i].ID = fmt.Sprintf("%010x", uint64(i)*2654435761%(1<<40))
	}
	fs := afero.NewMemMapFs()
	rec := planRedirects(&tl, idRecord{})
	if err := afero.WriteFile(fs, "public/"+idsFile, rec.record, 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		prev, _, err := readIDRecord(fs, "public")
		if err != nil {
			b.Fatal(err)
		}
		if p := planRedirects(&tl, prev); len(p.moved) != 0 {
			b.Fatal(p.moved)
		}
	}
}

// The pass over every mention a build makes when an ID went: 116,000
// events with 150,000 mentions of news-length sentences.
func BenchmarkMentionHolders(b *testing.B) {
	tl := timeline.Timeline{Events: make([]timeline.Event, 116000)}
	for i := range tl.Events {
		n := 1 + i%3/2
		for k := range n {
			tl.Events[i].Mentions = append(tl.Events[i].Mentions, timeline.Mention{Article: fmt.Sprintf("article-%d", i/12),
				Text: fmt.Sprintf("The council of Varnholt approved plan %d-%d for the harbour district on Tuesday, the mayor's office said in a statement to reporters.", i, k)})
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		mentionHolders(&tl, []string{"0123456789"}, nil)
	}
}
