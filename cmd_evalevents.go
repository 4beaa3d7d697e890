package main

import (
	"fmt"
	"sort"

	"github.com/spf13/afero"
	"github.com/spf13/cobra"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/events/semeval"
	"github.com/newsline/timeline/timeline/merge"
)

func init() {
	var verbose bool
	cmd := &cobra.Command{
		Use:   "eval-events DIR",
		Short: "Score event extraction on the SemEval-2015 TimeLine trial corpus",
		Long: "eval-events reads DIR/articles/*.tml (sentences and publication date) and\n" +
			"DIR/timelines/*.txt (gold events with dates), extracts the events of every article\n" +
			"and prints the dated recall (gold mentions found in their sentence at the gold date\n" +
			"and precision) and the share of events on gold sentences whose date disagrees.\n" +
			"The last line scores the same after merging the events across all articles,\n" +
			"where a more precise article refines a vaguer date: the dates the site shows.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := semeval.Load(afero.NewOsFs(), args[0])
			if err != nil {
				return err
			}
			arts, per := extractCorpus(c)
			bySlug := make(map[string][]timeline.Event, len(arts))
			for i, a := range arts {
				bySlug[a.Slug] = per[i]
			}
			r := semeval.Score(c, func(a timeline.Article) []timeline.Event { return bySlug[a.Slug] })
			out := cmd.OutOrStdout()
			if verbose {
				for _, m := range r.Misses {
					fmt.Fprintln(out, "miss", m)
				}
				for _, m := range r.Conflicts {
					fmt.Fprintln(out, "conflict", m)
				}
			}
			fmt.Fprintf(out, "documents %d, dated gold mentions %d (not scored: %d undated, %d of absent documents)\n",
				len(c.Docs), r.Items, c.Undated, c.MissingDoc)
			fmt.Fprintf(out, "dated recall  %.3f (%d/%d)   target >= 0.65\n", r.Recall, r.Found, r.Items)
			fmt.Fprintf(out, "disagreement  %.3f (%d/%d)   target <= 0.20\n", r.Disagreement, r.Disagree, r.OnGold)
			m := scoreMerged(c, arts, per)
			fmt.Fprintf(out, "after merging across articles: dated recall %.3f (%d/%d), disagreement %.3f (%d/%d)\n",
				m.Recall, m.Found, m.Items, m.Disagreement, m.Disagree, m.OnGold)
			return nil
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list the gold mentions missed")
	rootCmd.AddCommand(cmd)
}

// extractCorpus returns the corpus's articles, sorted by ID, and their
// events, extracted as a build does (events.ExtractAll).
func extractCorpus(c *semeval.Corpus) ([]timeline.Article, [][]timeline.Event) {
	ids := make([]string, 0, len(c.Docs))
	for id := range c.Docs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	arts := make([]timeline.Article, len(ids))
	for i, id := range ids {
		arts[i] = c.Docs[id].Article
	}
	return arts, events.ExtractAll(arts, nil)
}

// scoreMerged merges the articles' events across the corpus as a build
// does, and scores each article's share of the merged events.
func scoreMerged(c *semeval.Corpus, arts []timeline.Article, per [][]timeline.Event) semeval.Result {
	byArticle := semeval.ByArticle(merge.Merge(arts, per))
	return semeval.Score(c, func(a timeline.Article) []timeline.Event { return byArticle[a.Slug] })
}
