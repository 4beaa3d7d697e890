package events_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/events/semeval"
	"github.com/newsline/timeline/timeline/ingest"
	"github.com/newsline/timeline/timeline/timex"
	"github.com/spf13/afero"
)

// TestOutputDigest prints, when EVENTS_DIGEST names a file, a SHA-256 of
// ExtractWith's events (every field, as JSON) per group of articles: the
// testdata articles, the seed, content/, the SemEval articles, generated
// word salad and the 10,000-article bench corpus. It is the check that a
// change meant to make extraction faster leaves its output byte-identical:
// run it before and after and compare the lines.
//
// The resolved expressions are stored in that file on the first run and
// read back on later ones, so the digests measure this package alone even
// while the resolver is being changed: an article whose text changed since
// (ingest changed) fails the test rather than passing unchecked.
func TestOutputDigest(t *testing.T) {
	store := os.Getenv("EVENTS_DIGEST")
	if store == "" {
		t.Skip("set EVENTS_DIGEST=/path/to/timexes.gob to print output digests")
	}
	saved := map[string][]timeline.Timex{}
	if raw, err := os.ReadFile(store); err == nil {
		if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&saved); err != nil {
			t.Fatalf("%s: %v", store, err)
		}
	}
	fresh := len(saved) == 0
	for _, g := range digestGroups(t) {
		h := sha256.New()
		count := 0
		var all [][]timeline.Event
		for _, a := range g.arts {
			key := a.Path + "\x00" + fmt.Sprintf("%x", sha256.Sum256([]byte(a.Text))) + a.Meta.Date.String()
			tx, ok := saved[key]
			if !ok {
				if !fresh {
					t.Fatalf("%s: %s has no stored expressions (its text changed?)", g.name, a.Path)
				}
				tx = timex.Resolve(a.Text, a.Meta.Date)
				saved[key] = tx
			}
			all = append(all, events.ExtractWith(a, tx))
		}
		// Encoded only once the whole group is extracted, so an event that
		// kept pointing into pooled memory a later article reused would show.
		for _, evs := range all {
			count += len(evs)
			out, err := json.Marshal(evs)
			if err != nil {
				t.Fatal(err)
			}
			h.Write(out)
			h.Write([]byte{'\n'})
		}
		t.Logf("digest %-10s %5d articles %6d events %x", g.name, len(g.arts), count, h.Sum(nil))
	}
	if fresh {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(saved); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(store, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type digestGroup struct {
	name string
	arts []timeline.Article
}

func digestGroups(t *testing.T) []digestGroup {
	var files []string
	for _, pat := range []string{"testdata/*.md", "testdata/*.txt", "testdata/rules/*.md", seedPath, "../../content/*.md", "../../testdata/hostile/content/*.md"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	sort.Strings(files)
	var local []timeline.Article
	for _, p := range files {
		if filepath.Base(p) == "_index.md" {
			continue
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		side, _ := os.ReadFile(strings.TrimSuffix(p, filepath.Ext(p)) + ".yaml")
		a, err := ingest.Parse(p, raw, side, ingest.Options{Date: time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			continue // hostile files that do not parse are ingest's business
		}
		local = append(local, a)
	}
	groups := []digestGroup{{"files", local}}
	if c, err := semeval.Load(afero.NewOsFs(), "../../../shared/semeval2015-timeline-trial"); err == nil {
		var ids []string
		for id := range c.Docs {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		var arts []timeline.Article
		for _, id := range ids {
			arts = append(arts, c.Docs[id].Article)
		}
		groups = append(groups, digestGroup{"semeval", arts})
	}
	groups = append(groups, digestGroup{"salad", wordSalad(local, 3000)})
	groups = append(groups, digestGroup{"bench10k", benchCorpus(t, benchArticles)})
	return groups
}

// wordSalad makes n texts of tokens drawn from the articles' own words and
// marks, shuffled by a fixed seed: odd sentences, stray quotes and brackets,
// dates in strange places.
func wordSalad(arts []timeline.Article, n int) []timeline.Article {
	var words []string
	for _, a := range arts {
		words = append(words, strings.Fields(a.Text)...)
	}
	marks := []string{"\"", "“", "”", "(", ")", "[", "]", ",", ".", "'s", "\n\n", ";", "-", "—", "?", "!"}
	r := rand.New(rand.NewPCG(4, 2026))
	out := make([]timeline.Article, 0, n)
	for i := 0; i < n; i++ {
		var b strings.Builder
		for k, m := 0, 5+r.IntN(200); k < m; k++ {
			if r.IntN(5) == 0 {
				b.WriteString(marks[r.IntN(len(marks))])
			} else {
				b.WriteString(words[r.IntN(len(words))])
			}
			if r.IntN(4) != 0 {
				b.WriteByte(' ')
			}
		}
		a := timeline.Article{Path: fmt.Sprintf("salad/%d.txt", i), Slug: fmt.Sprint(i), Text: b.String()}
		a.Meta.Date = time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC)
		if i%3 == 0 {
			a.Meta.Title = words[r.IntN(len(words))] + " " + words[r.IntN(len(words))]
		}
		out = append(out, a)
	}
	return out
}
