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
// the predecoder, the Update before it 1-2 ms longer). Its array of the
// events by handle (20 MB at 10k) becomes the timeline's (adopt) on a
// decoded state's first Update, the events moved in place; otherwise they
// are copied into the timeline's and the array is garbage.
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
	// adoptable: evs is by handle in the state's timeline order, with room
	// to grow, and may become the timeline's array (adopt).
	adoptable bool
	next      atomic.Int64 // the next handle to claim, by predecodeGrain
	quit      atomic.Bool
	wg        sync.WaitGroup
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
	if s.out == nil && s.inPlaceOrder() {
		// The array may become the timeline's (adopt): room to grow, as reusedEvents gives.
		p.evs = make([]timeline.Event, len(s.evs), len(s.evs)+len(s.evs)/16)
		p.adoptable = true
	} else {
		p.evs = make([]timeline.Event, len(s.evs))
	}
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

// inPlaceOrder: the state's timeline order is its handles' (order[k] = k),
// as a decoded state's is until its first Update: the predecoder's array by
// handle is then the timeline's event array as it was, which adopt can turn
// into the Update's.
func (s *State) inPlaceOrder() bool {
	if len(s.order) != len(s.evs) {
		return false
	}
	for k, h := range s.order {
		if h != int32(k) {
			return false
		}
	}
	return true
}

// adoptOn turns off adopt (tests compare with it off).
var adoptOn = true

// adopt makes the predecoder's array (by handle) the timeline's event array
// (by position in s.order) in place, instead of copying the events into a
// second array of the same size (reusedEvents: 20 MB at 10k, plus the copy
// of every event). It reports for each position whether its event was placed
// there (its ID still to be set); the caller writes the others. Called after
// finish, when the state has no array of its own yet (a decoded state's
// first Update) and the array was made as by handle in timeline order
// (inPlaceOrder, checked when predecode made it: cap has room); nil when it
// cannot: the caller copies with take.
//
// The placed events are those take would give: their handles, their
// positions before this Update, rise with their new positions (the kept
// events keep their order), which is checked, so each is moved once: those
// going left in rising order, then those going right in falling order, and
// no move overwrites an event still to be moved (a run of events with
// consecutive handles moves as one copy).
func (p *predecoder) adopt(s *State) (out []timeline.Event, placed []bool) {
	n := len(s.order)
	if !adoptOn || p == nil || !p.adoptable || s.out != nil || cap(p.evs) < n {
		return nil, nil
	}
	src := make([]int32, n) // position -> the handle whose event moves there, -1 for none
	last := int32(-1)
	for pos, h := range s.order {
		src[pos] = -1
		rec := &s.evs[h]
		if rec.have() || int(h) >= len(p.ok) || !p.ok[h] {
			continue
		}
		if r := p.raws[h]; len(r) != len(rec.raw) || unsafe.StringData(r) != unsafe.StringData(rec.raw) {
			continue
		}
		if h <= last {
			return nil, nil // not in rising order: copy
		}
		src[pos], last = h, h
	}
	evs := p.evs[:max(n, len(p.evs))]
	// run returns the length of the run of consecutive handles moving by the
	// same distance from pos on (going up, or down when step is -1).
	run := func(pos, step int) int {
		k := 1
		for q := pos + step; q >= 0 && q < n && src[q] >= 0 && int(src[q])-q == int(src[pos])-pos; q += step {
			k++
		}
		return k
	}
	s.adoptMoves = [2]int{}
	for pos := 0; pos < n; pos++ { // left
		if h := int(src[pos]); h > pos {
			k := run(pos, 1)
			s.adoptMoves[0] += k
			copy(evs[pos:pos+k], evs[h:h+k])
			pos += k - 1
		}
	}
	for pos := n - 1; pos >= 0; pos-- { // right
		if h := int(src[pos]); h >= 0 && h < pos {
			k := run(pos, -1)
			s.adoptMoves[1] += k
			copy(evs[pos-k+1:pos+1], evs[h-k+1:h+1])
			pos -= k - 1
		}
	}
	clear(evs[n:]) // events moved from here or left out: their lists can be collected
	placed = make([]bool, n)
	for pos, h := range src {
		placed[pos] = h >= 0
	}
	out = evs[:n]
	if scribbleReused { // as reusedEvents: an element the caller fails to write keeps poison
		for pos := range out {
			if !placed[pos] {
				scribble(out[pos : pos+1])
			}
		}
	}
	s.out = out
	return out, placed
}
