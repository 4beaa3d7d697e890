package newscorpus

import (
	"testing"

	"github.com/spf13/afero"
)

func TestToggleAddsThenRemoves(t *testing.T) {
	fs := afero.NewMemMapFs()
	article := New(1).Article(0)
	for round, want := range []bool{true, false, true} {
		if err := Toggle(fs, "content/x.md", article); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		data, err := afero.ReadFile(fs, "content/x.md")
		if got := err == nil; got != want {
			t.Fatalf("round %d: file there %v, want %v", round, got, want)
		}
		if want && string(data) != string(article) {
			t.Fatalf("round %d: the file is not the article", round)
		}
	}
}
