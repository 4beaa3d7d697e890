package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/afero"
	"github.com/spf13/cobra"

	"github.com/newsline/timeline/timeline/ingest"
)

// newFlags are the flags of `timeline new`.
type newFlags struct {
	date, source, title, content string
}

func init() {
	var f newFlags
	cmd := &cobra.Command{
		Use:   "new [--date D] [--source URL] [--title T] [--content DIR] [FILE|-]",
		Short: "Turn pasted article text into content/<slug>.md with front matter",
		Long: "new reads raw article text (a file, or standard input when FILE is - or absent),\n" +
			"cleans it like a .txt article (wrapped lines joined, hyphenation undone, captions,\n" +
			"bare URLs and \"Related article:\" lines left out), and writes DIR/<slug>.md with\n" +
			"front matter (title, date, source). The slug comes from the title. An existing\n" +
			"article is never overwritten. It prints the path written; lines left out go to stderr.",
		Example: "  pbpaste | timeline new --date 2024-06-14 --source https://example.org/story\n" +
			"  timeline new --date 2024-06-14 --title \"Armenia freezes CSTO role\" article.txt",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runNew(afero.NewOsFs(), cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args, f)
		},
	}
	cmd.Flags().StringVar(&f.date, "date", "", "publication date, YYYY-MM-DD or RFC 3339 (required)")
	cmd.Flags().StringVar(&f.source, "source", "", "URL of the original article (http or https)")
	cmd.Flags().StringVar(&f.title, "title", "", "title (default: the first sentence of the text)")
	cmd.Flags().StringVar(&f.content, "content", "content", "folder the article is written to")
	rootCmd.AddCommand(cmd)
}

// runNew reads the text, composes the article and writes it without ever
// replacing an existing file.
func runNew(fs afero.Fs, stdin io.Reader, stdout, stderr io.Writer, args []string, f newFlags) error {
	if f.date == "" {
		return errors.New("new: --date is required (the article's publication date, YYYY-MM-DD)")
	}
	date, err := ingest.ParseDate(f.date)
	if err != nil {
		return fmt.Errorf("new: --date: %w", err)
	}
	name, raw, err := readNewInput(fs, stdin, args)
	if err != nil {
		return err
	}
	c, err := ingest.Compose(name, raw, ingest.Draft{Title: f.title, Date: date, Source: f.source})
	if err != nil {
		return err
	}
	path := filepath.Join(f.content, c.Slug+".md")
	if err := fs.MkdirAll(f.content, 0o755); err != nil {
		return fmt.Errorf("new: %w", err)
	}
	file, err := fs.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("new: %s already exists; not overwriting it (pass another --title for a new slug)", path)
	}
	if err != nil {
		return fmt.Errorf("new: %w", err)
	}
	if _, err := file.Write(c.Markdown); err != nil {
		file.Close()
		return fmt.Errorf("new: writing %s: %w", path, err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("new: writing %s: %w", path, err)
	}
	for _, line := range c.SetAside {
		fmt.Fprintf(stderr, "left out: %s\n", line)
	}
	fmt.Fprintln(stdout, path)
	return nil
}

// readNewInput reads FILE through the file system, or standard input for
// "-" or no argument, refusing more than the ingest size limit.
func readNewInput(fs afero.Fs, stdin io.Reader, args []string) (string, []byte, error) {
	if len(args) == 0 || args[0] == "-" {
		raw, err := io.ReadAll(io.LimitReader(stdin, ingest.DefaultMaxBytes+1))
		if err != nil {
			return "", nil, fmt.Errorf("new: reading standard input: %w", err)
		}
		return "-", raw, nil
	}
	if info, err := fs.Stat(args[0]); err == nil && info.Size() > ingest.DefaultMaxBytes {
		return "", nil, fmt.Errorf("%s: %w: %d bytes", args[0], ingest.ErrTooLarge, info.Size())
	}
	raw, err := afero.ReadFile(fs, args[0])
	if err != nil {
		return "", nil, fmt.Errorf("new: %w", err)
	}
	return args[0], raw, nil
}
