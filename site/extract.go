package site

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/newsline/timeline/timeline"
)

// extraction is the result of extracting every article.
//
// The events of an article whose extraction came from the cache are decoded
// only when asked for (eventsOf): an incremental merge reads the events of the
// few articles a change touches, and decoding all 191,075 cached events of a
// 10,000-article site cost 0.40 s of CPU per build. extractAll decodes them all
// at once, into events, for the whole-site merge.
type extraction struct {
	articles []timeline.Article // those that extracted without error, input order
	keys     [][32]byte         // per article: its extraction cache key (articleKey)
	events   [][]timeline.Event // per article, filled by extractAll only
	errs     []error            // input order
	warnings []string
	fresh    int // extracted this time
	hits     int // from the cache
	lazy     *lazyEvents
}

// eventsOf returns article i's events, decoding them from the cache on the
// first call. Safe for concurrent use; every call for i returns the same slice.
func (x extraction) eventsOf(i int) []timeline.Event {
	if x.events != nil {
		return x.events[i]
	}
	return x.lazy.get(i)
}

// allEvents returns every article's events, decoding on workers goroutines
// those not decoded yet: the input of the whole-site merge.
func (x extraction) allEvents(workers int) [][]timeline.Event {
	if x.events != nil {
		return x.events
	}
	all := make([][]timeline.Event, len(x.articles))
	parallel(len(all), workers, func(i int) { all[i] = x.lazy.get(i) })
	return all
}

// lateIssues returns what went wrong decoding events after the extract stage
// (a cached record that passed its checksum but did not decode, whose article
// was then extracted again): errors for the articles that failed to extract,
// warnings for the others. Call it after the last eventsOf.
func (x extraction) lateIssues() ([]error, []string) {
	if x.lazy == nil {
		return nil, nil
	}
	warnings := x.lazy.cache.damageWarnings()
	x.lazy.mu.Lock()
	defer x.lazy.mu.Unlock()
	return x.lazy.errs, append(x.lazy.warnings, warnings...)
}

// lazyEvents holds the articles' events, each decoded at most once.
type lazyEvents struct {
	slots   []lazySlot
	arts    []timeline.Article // the extraction's articles
	keys    [][32]byte
	extract func(timeline.Article) []timeline.Event
	cache   *extractCache

	mu       sync.Mutex
	errs     []error
	warnings []string
}

type lazySlot struct {
	once   sync.Once
	cached bool      // events are to be decoded from rec
	rec    packEntry // the cached record, its CRC not checked yet; dropped once decoded
	events []timeline.Event
}

func (l *lazyEvents) get(i int) []timeline.Event {
	s := &l.slots[i]
	s.once.Do(func() {
		if s.cached {
			s.events = l.decode(i, s.rec)
			s.rec = packEntry{}
		}
	})
	return s.events
}

// decode checks and decodes article i's cached record; one that fails its
// CRC or does not decode is dropped from the pack and the article extracted
// again, as the extract stage does when it decodes eagerly.
func (l *lazyEvents) decode(i int, rec packEntry) []timeline.Event {
	a, key := l.arts[i], l.keys[i]
	warn := ""
	if !rec.sound(key) {
		l.cache.markDamaged(key) // reported by damageWarnings
	} else if events, err := decodeEvents(rec.enc()); err == nil {
		return events
	} else {
		l.cache.markUndecodable(key)
		warn = fmt.Sprintf("%s: unreadable cache record for %s (%v), extracting again", l.cache.file, a.Path, err)
	}
	events, err := safeExtract(l.extract, a)
	if err == nil {
		l.cache.put(l.keys[i], events)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if warn != "" {
		l.warnings = append(l.warnings, warn)
	}
	if err != nil {
		l.errs = append(l.errs, err)
	}
	return events
}

type extractResult struct {
	key    [32]byte
	events []timeline.Event
	rec    packEntry // a cache hit not checked nor decoded yet
	err    error
	warn   string
	hit    bool
}

// extractAll runs the extractor over every article on opts.Workers goroutines
// and decodes every cached result: extraction.events is filled. Results land
// at their article's index, so the outcome does not depend on scheduling.
func extractAll(arts []timeline.Article, opts Options, cache *extractCache) extraction {
	return extractWith(arts, opts, cache, true)
}

// extractLazily is extractAll leaving the cached results encoded until
// eventsOf asks for them: an article whose events nobody asks for costs its
// key and a cache lookup. The cache must stay open (flush after the last
// eventsOf) for a record that fails to decode then to be replaced.
func extractLazily(arts []timeline.Article, opts Options, cache *extractCache) extraction {
	return extractWith(arts, opts, cache, false)
}

// The extraction's articles may share arts's memory: the caller must not
// change arts afterwards.
func extractWith(arts []timeline.Article, opts Options, cache *extractCache, eager bool) extraction {
	results := make([]extractResult, len(arts))
	prog := newProgress(opts.Progress, "extract", len(arts))
	var missed atomic.Int64
	parallel(len(arts), opts.Workers, func(i int) {
		if results[i] = lookUp(arts[i], opts, cache, eager); results[i].hit {
			prog.step()
		} else {
			missed.Add(1)
		}
	})
	if missed.Load() > 0 {
		extractMisses(arts, results, opts, cache, prog)
	}

	// When every article extracted, the extraction's articles are arts
	// itself: a copy of 10,000 Articles was 3.7 MB of memory touched for the
	// first time, about 18 ms of CPU on this project's machines. Otherwise
	// sized once: growing the list by appending copied them about twenty times.
	x := extraction{keys: make([][32]byte, 0, len(arts))}
	failed := 0
	for _, r := range results {
		if r.err != nil {
			failed++
		}
	}
	if failed == 0 {
		x.articles = arts
	} else {
		x.articles = make([]timeline.Article, 0, len(arts)-failed)
	}
	if eager {
		x.events = make([][]timeline.Event, 0, len(arts))
	}
	l := &lazyEvents{extract: opts.Stages.Extract, cache: cache}
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
		if failed > 0 {
			x.articles = append(x.articles, arts[i])
		}
		x.keys = append(x.keys, r.key)
		if eager {
			x.events = append(x.events, r.events)
		}
	}
	if !eager {
		l.arts, l.keys = x.articles, x.keys
		l.slots = make([]lazySlot, len(x.articles))
		n := 0
		for _, r := range results {
			if r.err == nil {
				l.slots[n].events, l.slots[n].rec, l.slots[n].cached = r.events, r.rec, r.hit
				n++
			}
		}
		x.lazy = l
	}
	// Records found damaged so far, by the load stage's recall too.
	x.warnings = append(x.warnings, cache.damageWarnings()...)
	return x
}

// parallel calls f(i) for every i < n on workers goroutines.
func parallel(n, workers int, f func(i int)) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < max(1, workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

// lookUp computes a's cache key and looks a up in the cache. With decode
// unset a hit is returned encoded (rec), to be decoded on demand; a hit
// that does not decode is a miss, its warning kept.
func lookUp(a timeline.Article, opts Options, cache *extractCache, decode bool) (r extractResult) {
	r.key = cache.articleKey(opts.Version, a)
	if decode {
		if events, ok, warn := cache.get(r.key, a.Path); ok {
			r.events, r.hit = events, true
		} else {
			r.warn = warn
		}
	} else if rec, ok := cache.entry(r.key); ok {
		cache.use(r.key)
		r.rec, r.hit = rec, true
	}
	return r
}

// maxRun bounds the cache misses one Stages.ExtractAll call extracts:
// events.ExtractAll's batch (256 articles), so a run is at most one of its
// batches, and the workers share the misses in runs of at most about 60 ms.
const maxRun = 256

// extractMisses extracts the articles results did not find in the cache,
// filling their events (or error) and the cache. The workers take
// contiguous runs of the misses, each through one Stages.ExtractAll call:
// resolving a batch before extracting it costs less CPU than alternating
// resolver and extractor per article (events.ExtractAll). A panic on one
// article fails that article only, with safeExtract's error.
func extractMisses(arts []timeline.Article, results []extractResult, opts Options, cache *extractCache, prog *progress) {
	var misses []int
	for i := range results {
		if !results[i].hit {
			misses = append(misses, i)
		}
	}
	workers := max(1, opts.Workers)
	size := min(maxRun, (len(misses)+workers-1)/workers)
	runs := (len(misses) + size - 1) / size
	bufs := make(chan []timeline.Article, workers)
	for range workers {
		bufs <- nil
	}
	parallel(runs, min(workers, runs), func(r int) {
		run := misses[r*size : min(len(misses), (r+1)*size)]
		buf := <-bufs
		var group []timeline.Article
		if run[len(run)-1]-run[0] == len(run)-1 {
			group = arts[run[0] : run[0]+len(run)] // no copy when the run is contiguous in arts
		} else {
			buf = buf[:0]
			for _, i := range run {
				buf = append(buf, arts[i])
			}
			group = buf
		}
		evs, errs := extractRun(opts.Stages, group)
		clear(buf)
		bufs <- buf
		for j, i := range run {
			if errs[j] != nil {
				results[i].err = errs[j]
			} else {
				results[i].events = evs[j]
				cache.put(results[i].key, evs[j])
			}
			prog.step()
		}
	})
}

// extractRun extracts group through stages.ExtractAll, a panic on one
// article becoming that article's error (extractError). Should ExtractAll
// itself panic otherwise, the group is extracted again article by article
// with Extract (safeExtract), as the stage did before ExtractAll.
func extractRun(stages Stages, group []timeline.Article) (evs [][]timeline.Event, errs []error) {
	errs = make([]error, len(group))
	defer func() {
		if p := recover(); p != nil {
			evs = make([][]timeline.Event, len(group))
			for j, a := range group {
				evs[j], errs[j] = safeExtract(stages.Extract, a)
			}
		}
	}()
	evs = stages.ExtractAll(group, func(j int, p any) { errs[j] = extractError(group[j], p) })
	if len(evs) != len(group) {
		panic(fmt.Sprintf("ExtractAll returned %d articles' events for %d", len(evs), len(group)))
	}
	return evs, errs
}

// safeExtract turns an extractor panic into an error naming the file: one bad
// article must not take the build down.
func safeExtract(extract func(timeline.Article) []timeline.Event, a timeline.Article) (events []timeline.Event, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = extractError(a, p)
		}
	}()
	return extract(a), nil
}

// extractError is the error of an article whose extraction panicked with p.
func extractError(a timeline.Article, p any) error {
	return fmt.Errorf("%s: extracting events failed: %v", a.Path, p)
}
