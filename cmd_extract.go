package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/afero"
	"github.com/spf13/cobra"

	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
)

func init() {
	var date string
	cmd := &cobra.Command{
		Use:   "extract [--date YYYY-MM-DD] FILE...",
		Short: "Print the dated events of articles as one JSON array",
		Long: "extract reads each FILE (Markdown with front matter, or raw text with an optional\n" +
			"NAME.yaml sidecar), finds the events it dates, merges mentions of one event, and prints\n" +
			"one JSON array: title, start, end, text, source, offset, mentions, entities, id.\n" +
			"--date gives the publication date of files that carry none.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExtract(afero.NewOsFs(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args, date)
		},
	}
	cmd.Flags().StringVar(&date, "date", "", "publication date (YYYY-MM-DD) for files that carry none")
	rootCmd.AddCommand(cmd)
}

// runExtract prints the merged events of the files as one JSON array; every
// file that cannot be read is reported on errOut and makes the result an error.
func runExtract(fs afero.Fs, out, errOut io.Writer, paths []string, date string) error {
	var opts ingest.Options
	if date != "" {
		d, err := time.Parse("2006-01-02", date)
		if err != nil {
			return fmt.Errorf("--date %q: want YYYY-MM-DD", date)
		}
		opts.Date = d
	}
	tl, errs := events.ExtractFiles(fs, paths, opts)
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(events.ToJSON(tl.Events)); err != nil {
		return err
	}
	for _, err := range errs {
		fmt.Fprintln(errOut, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d of %d file(s) could not be read", len(errs), len(paths))
	}
	return nil
}
