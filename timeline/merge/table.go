package merge

// table maps uint64 keys to values: an open-addressing hash table with
// linear probing, for the hot lookups of merging (sentence IDs, refused
// group pairs), where a Go map's hashing and growth cost more than the work
// around them. Keys must not be ^uint64(0) (a slot holds key+1; 0 marks it free).
type table[V any] struct {
	keys []uint64 // key+1, or 0 when free; power-of-two length
	vals []V
	used int
	// For reset (tables made by newResettable): the slots put filled,
	// while they are few (many once they are more than a quarter of the
	// slots: reset then clears all).
	resettable bool
	filled     []int32
	many       bool
}

// newTable returns a table sized for about n keys.
func newTable[V any](n int) *table[V] {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return &table[V]{keys: make([]uint64, size), vals: make([]V, size)}
}

// slot returns the index of key's slot, or of the free slot where it belongs.
func (t *table[V]) slot(key uint64) int {
	mask := uint64(len(t.keys) - 1)
	stored := key + 1
	for i := (key * 0x9E3779B97F4A7C15 >> 32) & mask; ; i = (i + 1) & mask {
		if k := t.keys[i]; k == stored || k == 0 {
			return int(i)
		}
	}
}

func (t *table[V]) get(key uint64) (V, bool) {
	i := t.slot(key)
	return t.vals[i], t.keys[i] != 0
}

// getOrPut returns key's value, or puts v as its value and returns it
// (false) when key is absent: one probe where get then put take two.
func (t *table[V]) getOrPut(key uint64, v V) (V, bool) {
	if 2*(t.used+1) > len(t.keys) {
		t.grow()
	}
	i := t.slot(key)
	if t.keys[i] != 0 {
		return t.vals[i], true
	}
	t.keys[i] = key + 1
	t.used++
	t.noteFilled(i)
	t.vals[i] = v
	return v, false
}

// put sets key's value.
func (t *table[V]) put(key uint64, v V) {
	i := t.slot(key)
	if t.keys[i] == 0 {
		if 2*(t.used+1) > len(t.keys) {
			t.grow()
			i = t.slot(key)
		}
		t.keys[i] = key + 1
		t.used++
		t.noteFilled(i)
	}
	t.vals[i] = v
}

func (t *table[V]) noteFilled(i int) {
	if t.resettable && !t.many {
		t.filled = append(t.filled, int32(i))
		t.many = len(t.filled) > len(t.keys)/4
	}
}

// newResettable returns a table sized for about n keys that reset can
// empty in time proportional to the keys put since (when they are few).
func newResettable[V any](n int) *table[V] {
	t := newTable[V](n)
	t.resettable = true
	return t
}

// reset empties a resettable table, keeping its size: slot by slot when
// few were filled, else all at once. (Values stay behind in free slots:
// get reports them absent, and put overwrites them.)
func (t *table[V]) reset() {
	if t.used == 0 {
		return
	}
	if t.many || !t.resettable {
		clear(t.keys)
	} else {
		for _, i := range t.filled {
			t.keys[i] = 0
		}
	}
	t.used, t.filled, t.many = 0, t.filled[:0], false
}

// grow doubles the table (keeping it at most half full, so probes stay short).
func (t *table[V]) grow() {
	keys, vals := t.keys, t.vals
	t.keys, t.vals = make([]uint64, 2*len(keys)), make([]V, 2*len(keys))
	t.filled, t.many = t.filled[:0], false
	for i, k := range keys {
		if k != 0 {
			j := t.slot(k - 1)
			t.keys[j], t.vals[j] = k, vals[i]
			t.noteFilled(j)
		}
	}
}
