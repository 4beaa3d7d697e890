package main

import (
	"encoding/json"
	"errors"
	"fmt"
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
			var opts ingest.Options
			if date != "" {
				d, err := time.Parse("2006-01-02", date)
				if err != nil {
					return fmt.Errorf("--date %q: want YYYY-MM-DD", date)
				}
				opts.Date = d
			}
			tl, errs := events.ExtractFiles(afero.NewOsFs(), args, opts)
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			if err := enc.Encode(events.ToJSON(tl.Events)); err != nil {
				return err
			}
			for _, err := range errs {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
			}
			if len(errs) > 0 {
				return errors.New(fmt.Sprint(len(errs), " file(s) could not be read"))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&date, "date", "", "publication date (YYYY-MM-DD) for files that carry none")
	rootCmd.AddCommand(cmd)
}
