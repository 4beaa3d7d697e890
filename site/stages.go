package site

import (
	"errors"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

var errNotWired = errors.New("pipeline stage not available in this build")

// DefaultStages are the real pipeline packages.
func DefaultStages() Stages {
	return Stages{
		Load: func(fs afero.Fs, dirs []string, date time.Time) ([]timeline.Article, []error) {
			return nil, []error{errNotWired}
		},
		Extract: func(a timeline.Article) []timeline.Event { return nil },
		Merge: func(arts []timeline.Article, per [][]timeline.Event) timeline.Timeline {
			return timeline.Timeline{Articles: arts}
		},
		Overrides: func(afero.Fs, string, *timeline.Timeline) []error { return nil },
		Plan:      func(afero.Fs, string, timeline.Timeline) ([]Page, error) { return nil, errNotWired },
	}
}

func (s Stages) withDefaults() Stages {
	d := DefaultStages()
	if s.Load == nil {
		s.Load = d.Load
	}
	if s.Extract == nil {
		s.Extract = d.Extract
	}
	if s.Merge == nil {
		s.Merge = d.Merge
	}
	if s.Overrides == nil {
		s.Overrides = d.Overrides
	}
	if s.Plan == nil {
		s.Plan = d.Plan
	}
	return s
}
