package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/afero"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/newsline/timeline/site"
	"github.com/newsline/timeline/timeline/ingest"
)

// buildFlags are shared by build and serve.
type buildFlags struct {
	content, seeds, out, cache, date string
	noCache, keepGoing               bool
	memoryMiB                        int64
}

func (f *buildFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.content, "content", "content", "folder of articles (Markdown, raw text with sidecars), overrides.yaml and _index.md")
	cmd.Flags().StringVar(&f.seeds, "seeds", "seeds", `folder of raw source documents read where a sidecar gives the date ("-" for none)`)
	cmd.Flags().StringVar(&f.out, "out", "public", "output folder, replaced whole when the build succeeds")
	cmd.Flags().StringVar(&f.cache, "cache", ".timeline-cache", "cache folder for extraction results and the page manifest")
	cmd.Flags().BoolVar(&f.noCache, "no-cache", false, "ignore the caches and rebuild everything")
	cmd.Flags().BoolVar(&f.keepGoing, "keep-going", false, "publish the articles that are fine even when others have errors (still exits non-zero)")
	cmd.Flags().Int64Var(&f.memoryMiB, "memory-limit", site.DefaultMemoryLimit>>20,
		"soft memory limit of a build in MiB (the garbage collector works harder near it; 0 for none; the GOMEMLIMIT environment variable wins)")
	cmd.Flags().StringVar(&f.date, "date", "", "publication date (YYYY-MM-DD or RFC 3339) for raw text without a sidecar date")
}

func (f *buildFlags) options() (site.Options, error) {
	opts := site.Options{
		ContentDir: f.content, SeedsDir: f.seeds, OutDir: f.out, CacheDir: f.cache,
		NoCache: f.noCache, KeepGoing: f.keepGoing, MemoryLimit: f.memoryMiB << 20,
	}
	if f.memoryMiB <= 0 {
		opts.MemoryLimit = -1 // none
	}
	if f.date != "" {
		d, err := parseDateFlag(f.date)
		if err != nil {
			return opts, err
		}
		opts.Date = d
	}
	return opts, nil
}

// parseDateFlag reads --date as front matter's date is read (ingest.ParseDate):
// a time keeps the zone it was written in, so the publication day, against
// which relative dates resolve, is the writer's (was: converted to UTC, so
// 2024-06-14T01:30:00+04:00 made 13 June the publication day here and 14 June
// in front matter).
func parseDateFlag(s string) (time.Time, error) {
	d, err := ingest.ParseDate(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--date %q: want YYYY-MM-DD or RFC 3339", s)
	}
	return d, nil
}

func init() {
	var flags buildFlags
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Build the timeline site from content/ (and seeds/) into public/",
		Long: "build reads every article, extracts and merges the dated events, applies content/overrides.yaml\n" +
			"and writes the site into a temporary folder beside --out, swapped in only when the build succeeded.\n" +
			"Extraction results and a page manifest are cached in --cache, so unchanged articles are not\n" +
			"extracted again and unchanged pages are not rendered again. Every error is reported; exit status 1\n" +
			"when there was any (with --keep-going the good articles are published anyway).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := flags.options()
			if err != nil {
				return err
			}
			stderr := cmd.ErrOrStderr()
			opts.Progress = progressReporter(stderr)
			if opts.Progress == nil { // no terminal: no bar says the build waits for another's lock
				opts.Waiting = func(line string) { fmt.Fprintln(stderr, "build:", line) }
			}
			opts.MapCache = true  // serve maps it too (see Options.MapCache)
			opts.HugePages = true // likewise
			sum, err := site.Build(afero.NewOsFs(), opts)
			reportBuild(stderr, sum)
			return err
		},
	}
	flags.register(cmd)
	rootCmd.AddCommand(cmd)
}

// reportBuild prints the warnings and the summary line.
func reportBuild(w io.Writer, sum site.Summary) {
	for _, warning := range sum.Warnings {
		fmt.Fprintln(w, "warning:", warning)
	}
	fmt.Fprintln(w, "build:", sum.String())
}

// progressReporter draws a progress bar per stage when w is a terminal, and
// nothing otherwise (logs and pipes stay clean).
func progressReporter(w io.Writer) func(site.Progress) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	var bar *progressbar.ProgressBar
	return func(p site.Progress) {
		if p.Done == 0 {
			bar = progressbar.NewOptions(p.Total,
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(p.Stage),
				progressbar.OptionShowCount(),
				progressbar.OptionClearOnFinish(),
				progressbar.OptionThrottle(100*time.Millisecond))
			return
		}
		if bar != nil {
			_ = bar.Set(p.Done)
			if p.Done == p.Total {
				_ = bar.Finish()
			}
		}
	}
}
