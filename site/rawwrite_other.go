//go:build !linux

package site

import "github.com/spf13/afero"

// pageDir is Linux's (rawwrite_linux.go); elsewhere pages are written
// through the afero file system.
type pageDir struct{}

type pageFD struct{}

func (f *pageFD) Write(p []byte) (int, error) { return 0, nil }
func (f *pageFD) Close() error                { return nil }

func openPageDir(fs afero.Fs, dir string) *pageDir    { return nil }
func (d *pageDir) close()                             {}
func (d *pageDir) create(rel string) (*pageFD, error) { return &pageFD{}, nil }
func (d *pageDir) createMade(rel string) (*pageFD, error) {
	return &pageFD{}, nil
}
func (d *pageDir) makeFolders(pages []Page, rest []int32, ready chan<- int32) {
	for n := range rest {
		ready <- int32(n)
	}
	close(ready)
}
func (d *pageDir) remove(rel string) {}
