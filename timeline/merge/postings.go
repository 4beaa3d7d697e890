package merge

import "slices"

// postingLists are a state's blocking lists by key (postingKey: start value
// and title stem). A stem's lists are loaded all at once (loadStems) and kept
// as loaded, sorted by value in three arrays, looked up by binary search:
// kept as a map entry per list, one article's 40 title stems made 70,700
// entries at 10k (about 13 MB of fresh heap with the array that gathered
// them, on a fresh build's merge path), where an Update looks up a few
// hundred of them. A list an Update changes, or one listed before its stem
// is loaded, lives in changed, which takes precedence.
type postingLists struct {
	changed map[uint64][]int32 // an empty list: none
	byStem  map[int32]*stemLists
}

// stemLists are a loaded stem's lists: values sorted, value i's list is
// sids[ends[i-1]:ends[i]] (from 0 for the first).
type stemLists struct {
	values, ends, sids []int32
}

func newPostingLists() postingLists {
	return postingLists{changed: map[uint64][]int32{}, byStem: map[int32]*stemLists{}}
}

// get returns key's list (nil or empty when there is none). Its capacity
// is its length: appending to it copies it. The caller may reorder or cut
// it in place (removePostings) only to set it again.
func (p *postingLists) get(key uint64) []int32 {
	if l, ok := p.changed[key]; ok {
		return l
	}
	return p.loaded(key)
}

// loaded is key's list as its stem was loaded.
func (p *postingLists) loaded(key uint64) []int32 {
	sl := p.byStem[int32(uint32(key))]
	if sl == nil {
		return nil
	}
	i, found := slices.BinarySearch(sl.values, int32(key>>32))
	if !found {
		return nil
	}
	from := int32(0)
	if i > 0 {
		from = sl.ends[i-1]
	}
	return sl.sids[from:sl.ends[i]:sl.ends[i]]
}

func (p *postingLists) set(key uint64, list []int32) { p.changed[key] = list }

// load records the lists of the stems loading (stem -> its lists). A list
// changed before its stem was loaded (new candidates listed under it) gets
// the loaded entries after its own, and a list emptied since is the
// loaded one, as when every list was a map entry the loaded lists were
// appended to.
func (p *postingLists) load(loading map[int32]*stemLists) {
	for t, sl := range loading {
		p.byStem[t] = sl
	}
	for key, l := range p.changed {
		if _, now := loading[int32(uint32(key))]; !now {
			continue
		}
		if len(l) > 0 {
			p.changed[key] = append(l, p.loaded(key)...)
		} else {
			delete(p.changed, key)
		}
	}
}

// adjacency are the candidates' adjacency lists (neighbour<<32 | score ID,
// by sid): stored one after another in words, sid's ending at ends[sid]
// (starting where sid-1's ends), with the lists changed since, and those of
// sids past ends, in changed. A decoded state's words are the state file's
// kept section in place and its ends a mapped array (statearrays.go): a
// slice header per candidate, made for every candidate before an Update
// reads a few, was 5 MB of fresh heap at 10k.
type adjacency struct {
	words   []uint64 // never written: may be read-only memory
	ends    []uint32
	changed map[int32][]uint64 // nil: no list
}

// get returns sid's list. A stored one has its length as capacity: an
// append copies it.
func (a *adjacency) get(sid int32) []uint64 {
	if len(a.changed) > 0 {
		if l, ok := a.changed[sid]; ok {
			return l
		}
	}
	return a.stored(sid)
}

// stored returns sid's list as stored in words, whether or not a changed
// one takes precedence (get).
func (a *adjacency) stored(sid int32) []uint64 {
	if int(sid) >= len(a.ends) {
		return nil
	}
	from := uint32(0)
	if sid > 0 {
		from = a.ends[sid-1]
	}
	to := a.ends[sid]
	return a.words[from:to:to]
}

func (a *adjacency) set(sid int32, list []uint64) {
	if a.changed == nil {
		a.changed = map[int32][]uint64{}
	}
	a.changed[sid] = list
}

// valid: the ends do not decrease and the last is the words' end.
func (a *adjacency) valid() bool {
	at := uint32(0)
	for _, e := range a.ends {
		if e < at {
			return false
		}
		at = e
	}
	return int(at) == len(a.words)
}
