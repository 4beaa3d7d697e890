package render

import (
	"os"
	"testing"

	"github.com/spf13/afero"
)

// TestDumpFixture writes the fixture site to $RENDER_DUMP for a look in a browser.
func TestDumpFixture(t *testing.T) {
	dir := os.Getenv("RENDER_DUMP")
	if dir == "" {
		t.Skip("set RENDER_DUMP=/some/dir to write the fixture site there")
	}
	if err := Site(afero.NewOsFs(), dir, fixture(t), Config{Title: "Armenia & the CSTO", About: "Made for **tests**."}); err != nil {
		t.Fatal(err)
	}
}

// TestDumpSeed writes the seed site to $RENDER_DUMP_SEED for a look in a browser.
func TestDumpSeed(t *testing.T) {
	dir := os.Getenv("RENDER_DUMP_SEED")
	if dir == "" {
		t.Skip("set RENDER_DUMP_SEED=/some/dir to write the seed site there")
	}
	tl, cfg := seedTimeline(t)
	if err := Site(afero.NewOsFs(), dir, tl, cfg); err != nil {
		t.Fatal(err)
	}
}
