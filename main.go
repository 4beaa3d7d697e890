// Command timeline reads news articles, resolves the dates of the events they
// tell against each article's publication date, and writes a static timeline site.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

var rootCmd = &cobra.Command{
	Use:           "timeline",
	Short:         "Build a dated timeline of events from news articles",
	Long:          "timeline reads news articles (Markdown with front matter, or raw text with a sidecar),\nfinds the events they date, resolves every date against the publication date,\nand writes a static HTML timeline site with exports.",
	SilenceUsage:  true,
	SilenceErrors: true,
}

func main() {
	if err := rootCmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "timeline:", err)
		os.Exit(1)
	}
}
