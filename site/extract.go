package site

import (
	"fmt"
	"sync"

	"github.com/newsline/timeline/timeline"
)

// extraction is the result of extracting every article.
type extraction struct {
	articles []timeline.Article // those that extracted without error, input order
	events   [][]timeline.Event // per article, same order
	errs     []error            // input order
	warnings []string
	fresh    int // extracted this time
	hits     int // from the cache
}

type extractResult struct {
	events []timeline.Event
	err    error
	warn   string
	hit    bool
}

// extractAll runs the extractor over every article on opts.Workers goroutines.
// Results land at their article's index, so the outcome does not depend on
// scheduling.
func extractAll(arts []timeline.Article, opts Options, cache *extractCache) extraction {
	results := make([]extractResult, len(arts))
	prog := newProgress(opts.Progress, "extract", len(arts))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = extractOne(arts[i], opts, cache)
				prog.step()
			}
		}()
	}
	for i := range arts {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	// Sized once: an Article is large, and growing the lists by appending
	// copied 10,000 of them about twenty times.
	x := extraction{articles: make([]timeline.Article, 0, len(arts)), events: make([][]timeline.Event, 0, len(arts))}
	for i, r := range results {
		if r.warn != "" {
			x.warnings = append(x.warnings, r.warn)
		}
		if r.err != nil {
			x.errs = append(x.errs, r.err)
			continue
		}
		if r.hit {
			x.hits++
		} else {
			x.fresh++
		}
		x.articles = append(x.articles, arts[i])
		x.events = append(x.events, r.events)
	}
	return x
}

func extractOne(a timeline.Article, opts Options, cache *extractCache) (r extractResult) {
	key := articleKey(opts.Version, a)
	if events, ok, warn := cache.get(key, a.Path); ok {
		return extractResult{events: events, hit: true}
	} else {
		r.warn = warn
	}
	events, err := safeExtract(opts.Stages.Extract, a)
	if err != nil {
		r.err = err
		return r
	}
	r.events = events
	cache.put(key, events)
	return r
}

// safeExtract turns an extractor panic into an error naming the file: one bad
// article must not take the build down.
func safeExtract(extract func(timeline.Article) []timeline.Event, a timeline.Article) (events []timeline.Event, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: extracting events failed: %v", a.Path, p)
		}
	}()
	return extract(a), nil
}
