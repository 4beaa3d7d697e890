package main

import (
	"bufio"
	"fmt"
	"path/filepath"

	"github.com/newsline/timeline/timeline/timeml"
	"github.com/newsline/timeline/timeline/timex"
	"github.com/spf13/afero"
	"github.com/spf13/cobra"
)

func init() {
	var noMisses bool
	cmd := &cobra.Command{
		Use:   "eval TIMEML_FILE_OR_DIR...",
		Short: "Score the date resolver on TimeML documents (TempEval-3 Task A figures)",
		Long: "eval strips the tags of each TimeML document, resolves the text against its <DCT>,\n" +
			"and compares the expressions found with the gold <TIMEX3> tags: strict and relaxed\n" +
			"span precision/recall/F1, type accuracy, and value F1 (relaxed matches with the exact\n" +
			"value, over system and gold counts), per argument and for all together; then every\n" +
			"miss with its gold value (WRONG: wrong value, MISSED: not found, SPURIOUS: not annotated,\n" +
			"SPAN: right value but not the same span).",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEval(afero.NewOsFs(), args, !noMisses, cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&noMisses, "no-misses", false, "print the figures only")
	rootCmd.AddCommand(cmd)
}

func runEval(fs afero.Fs, args []string, misses bool, out interface{ Write([]byte) (int, error) }) error {
	w := bufio.NewWriter(out)
	defer w.Flush()
	var total timeml.Counts
	var all []timeml.Miss
	for _, arg := range args {
		docs, err := timeml.Load(fs, []string{arg})
		if err != nil {
			return err
		}
		if len(docs) == 0 {
			return fmt.Errorf("%s: no .tml documents", arg)
		}
		var c timeml.Counts
		for _, d := range docs {
			dc, m := timeml.ScoreDoc(d, timex.Resolve)
			c.Add(dc)
			all = append(all, m...)
		}
		total.Add(c)
		if err := timeml.WriteCounts(w, fmt.Sprintf("%s (%d)", filepath.Base(filepath.Clean(arg)), len(docs)), c); err != nil {
			return err
		}
	}
	if len(args) > 1 {
		if err := timeml.WriteCounts(w, "all", total); err != nil {
			return err
		}
	}
	if misses {
		fmt.Fprintln(w, "\nmisses:")
		return timeml.WriteMisses(w, all)
	}
	return nil
}
