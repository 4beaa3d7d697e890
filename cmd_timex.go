package main

import (
	"bufio"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/newsline/timeline/timeline/timex"
	"github.com/spf13/afero"
	"github.com/spf13/cobra"
)

func init() {
	var date string
	cmd := &cobra.Command{
		Use:   "timex --date YYYY-MM-DD FILE",
		Short: "Print every temporal expression of FILE as JSON lines (TIMEX3 type and value)",
		Long: "timex finds every temporal expression in FILE, resolves it against the publication\n" +
			"date given by --date, and prints one JSON object per line:\n" +
			`{"start":N,"end":N,"text":"...","type":"DATE|TIME|DURATION|SET","value":"TIMEX3 value"}` + "\n" +
			"start and end are UTF-8 byte offsets into FILE as given; the first expression of a\n" +
			"range (\"between 2018 and 2020\") also carries \"range_end\".",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTimex(afero.NewOsFs(), args[0], date, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&date, "date", "", "publication date of FILE (YYYY-MM-DD), required")
	rootCmd.AddCommand(cmd)
}

func runTimex(fs afero.Fs, path, date string, out interface{ Write([]byte) (int, error) }) error {
	if date == "" {
		return fmt.Errorf("%s: --date YYYY-MM-DD is required (the publication date relative dates resolve against)", path)
	}
	dct, err := time.Parse("2006-01-02", date)
	if err != nil {
		return fmt.Errorf("--date %q: want YYYY-MM-DD: %w", date, err)
	}
	raw, err := afero.ReadFile(fs, path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !utf8.Valid(raw) {
		return fmt.Errorf("%s:%d: invalid UTF-8", path, firstInvalidLine(raw))
	}
	w := bufio.NewWriter(out)
	if err := timex.WriteJSONLines(w, timex.Resolve(string(raw), dct)); err != nil {
		return err
	}
	return w.Flush()
}

// firstInvalidLine returns the 1-based line of the first invalid UTF-8 byte.
func firstInvalidLine(b []byte) int {
	line := 1
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		b = b[n:]
	}
	return line
}
