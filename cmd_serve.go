package main

import (
	"fmt"
	"net"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/spf13/afero"
	"github.com/spf13/cobra"

	"github.com/newsline/timeline/site"
	"github.com/newsline/timeline/site/serve"
)

func init() {
	var flags buildFlags
	var port int
	var bind string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Build, serve the site on 127.0.0.1 and rebuild and reload on every change",
		Long: "serve builds the site into --out, serves it on http://127.0.0.1:PORT/ (loopback only unless\n" +
			"--bind says otherwise), watches the content and seeds folders (articles, overrides.yaml,\n" +
			"_index.md) and timeline.yaml, rebuilds after a change and reloads the open browser tabs.\n" +
			"A failed build is shown over the page and on the terminal; the last good site stays served.\n" +
			"Templates are embedded in the binary: after editing templates/, restart serve.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := flags.options()
			if err != nil {
				return err
			}
			// The server's builds run in one site.Session, which keeps the
			// mapped pack's records from one rebuild to the next: the pack is
			// mapped again only when another build rewrote it. Read into the
			// heap instead, it counted against the build's memory limit for
			// as long as the server ran (10k articles: 13 collections per
			// rebuild instead of 2; README, Warm rebuilds).
			opts.MapCache = true
			ln, err := net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(port)))
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			srv := serve.New(serve.Config{
				Fs:    afero.NewOsFs(),
				Build: opts,
				Watch: watchList(opts),
				Log:   cmd.ErrOrStderr(),
			})
			fmt.Fprintf(cmd.ErrOrStderr(), "serving http://%s/ (Ctrl+C to stop)\n", ln.Addr())
			return srv.Run(ctx, ln)
		},
	}
	flags.register(cmd)
	cmd.Flags().IntVar(&port, "port", 1313, "port to listen on")
	cmd.Flags().StringVar(&bind, "bind", "127.0.0.1", "address to listen on (loopback by default; 0.0.0.0 exposes the preview to the network)")
	rootCmd.AddCommand(cmd)
}

// watchList is every source of the site: the content and seeds folders (with
// overrides.yaml and _index.md inside content) and timeline.yaml beside content.
func watchList(opts site.Options) []string {
	list := []string{opts.ContentDir, filepath.Join(filepath.Dir(filepath.Clean(opts.ContentDir)), "timeline.yaml")}
	if opts.SeedsDir != "-" {
		list = append(list, opts.SeedsDir)
	}
	return list
}
