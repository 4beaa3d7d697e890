package merge

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/newsline/timeline/timeline"
)

// predecoder decodes a decoded state's stored events (their encodings,
// evRec.raw) while the first Update does its own work, so that
// update.timeline copies them rather than decoding them all at its end.
// Most of an Update of a decoded state before its timeline (reading the
// changed articles, loading their stems' blocking lists, reclustering) runs
// on one goroutine, and a fresh build's merge stage left the second core
// idle meanwhile; decoding the 116,000 events of a 10k site then took 15-19
// ms of wall on both cores at its end (kept 10k site, load 3.5: 5-6 ms with
// the predecoder, the Update before it 1-2 ms longer). It costs an array
// of the events by handle (20 MB at 10k, garbage once the timeline is
// made) and their copy into the timeline.
//
// It works on one goroutine from the Update's start; update.timeline lets
// the other workers join in (finish) and takes what it decoded (take). It
// reads only a copy of the encodings' strings (raws, by handle) made before
// it starts, never the records, which the Update changes meanwhile. The
// mapped events file those strings point into is released only by a
// restart (dropHeld, when no event was decoded from it), which stops the
// predecoder first (stopPredecode). An
// event it could not decode is left to update.timeline, which decodes it
// again and fails as it always did (errDamagedEvent: Update recovers).
type predecoder struct {
	raws []string         // by handle: the encoding to decode, "" for none
	evs  []timeline.Event // by handle: decoded when ok
	ok   []bool
	next atomic.Int64 // the next handle to claim, by predecodeGrain
	quit atomic.Bool
	wg   sync.WaitGroup
}

// predecodeGrain is how many handles a worker claims at a time.
const predecodeGrain = 1024

// predecodeOn turns the predecoder on (tests compare with it off).
var predecodeOn = true

// predecode starts decoding the state's live events held only as their
// encodings; nil when there are none (a warm state's Update).
func (s *State) predecode() *predecoder {
	if !predecodeOn || s.unbuilt == 0 {
		return nil
	}
	p := &predecoder{raws: make([]string, len(s.evs))}
	n := 0
	for h := range s.evs {
		if rec := &s.evs[h]; rec.live && !rec.have() && rec.raw != "" {
			p.raws[h] = rec.raw
			n++
		}
	}
	if n == 0 {
		return nil
	}
	p.evs = make([]timeline.Event, len(s.evs))
	p.ok = make([]bool, len(s.evs))
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.work()
	}()
	return p
}

// work claims handles and decodes them until none is left or stop is called.
func (p *predecoder) work() {
	var er eventReader // its slabs serve the events it decodes
	for !p.quit.Load() {
		from := int(p.next.Add(predecodeGrain)) - predecodeGrain
		if from >= len(p.raws) {
			return
		}
		for h := from; h < min(from+predecodeGrain, len(p.raws)); h++ {
			if p.raws[h] == "" {
				continue
			}
			if er.event(p.raws[h], &p.evs[h]) != nil {
				p.evs[h] = timeline.Event{}
				continue
			}
			p.ok[h] = true
		}
	}
}

// finish decodes what is left with the other workers joining in, and waits.
func (p *predecoder) finish() {
	if p == nil {
		return
	}
	for range workers() - 1 {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.work()
		}()
	}
	p.wg.Wait()
}

// stop ends the decoding (an Update that merges from scratch or gives up
// after it started) and waits for it; nil does nothing.
func (p *predecoder) stop() {
	if p == nil {
		return
	}
	p.quit.Store(true)
	p.wg.Wait()
}

// stopPredecode stops the state's predecoder, if any, and forgets it.
func (s *State) stopPredecode() {
	s.pre.stop()
	s.pre = nil
}

// take writes into e the event of handle h when it was decoded from raw
// (the record's encoding now: the very bytes, not equal ones) and reports
// whether it did. Called after finish.
func (p *predecoder) take(h int32, id, raw string, e *timeline.Event) bool {
	if p == nil || int(h) >= len(p.ok) || !p.ok[h] {
		return false
	}
	if r := p.raws[h]; len(r) != len(raw) || unsafe.StringData(r) != unsafe.StringData(raw) {
		return false
	}
	*e = p.evs[h]
	e.ID = id
	return true
}
