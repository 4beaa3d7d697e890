package newscorpus

import (
	"github.com/spf13/afero"
)

// Toggle adds the article file name when it is absent and removes it when
// it is there, so that every build of a benchmark's loop sees one article
// added or removed.
func Toggle(fs afero.Fs, name string, article []byte) error {
	if _, err := fs.Stat(name); err == nil {
		return fs.Remove(name)
	}
	return afero.WriteFile(fs, name, article, 0o644)
}
