package render

import (
	"hash/maphash"
	"strings"

	"github.com/newsline/timeline/timeline"
)

// slugTable finds an article's index by its slug, for resolveCitations'
// look-up of every mention (some 150,000 at 10,000 articles, each plan): an
// open-addressing table of the slugs' hashes (idSlot: 32 bits of the hash
// and the index + 1) whose matches are confirmed against one string
// holding every slug in article order. The map by slug (site.articles)
// compared each key with the Article's own slug, one string each,
// scattered over the heap among the articles' texts: its look-ups were the
// plan's largest single cost after the keys. Here the table and the slugs
// take 250 KB at 10,000 articles. The slugs must be distinct (checkNames).
type slugTable struct {
	seed  maphash.Seed
	slots []idSlot
	all   string  // the slugs, one after another
	ends  []int32 // per article: the end of its slug in all
}

func newSlugTable(articles []timeline.Article) *slugTable {
	n := 0
	for i := range articles {
		n += len(articles[i].Slug)
	}
	var b strings.Builder
	b.Grow(n)
	ends := make([]int32, len(articles))
	for i := range articles {
		b.WriteString(articles[i].Slug)
		ends[i] = int32(b.Len())
	}
	size := 16
	for size < 2*len(articles) {
		size *= 2
	}
	t := &slugTable{seed: maphash.MakeSeed(), slots: make([]idSlot, size), all: b.String(), ends: ends}
	mask := uint64(size - 1)
	for i := range articles {
		h := maphash.String(t.seed, t.slug(i))
		k := h & mask
		for t.slots[k].at != 0 {
			k = (k + 1) & mask
		}
		t.slots[k] = idSlot{tag: uint32(h >> 32), at: uint32(i + 1)}
	}
	return t
}

// slug is article i's slug, read from the table's copy.
func (t *slugTable) slug(i int) string {
	from := int32(0)
	if i > 0 {
		from = t.ends[i-1]
	}
	return t.all[from:t.ends[i]]
}

// find returns the index of the article with this slug, or -1.
func (t *slugTable) find(slug string) int {
	h := maphash.String(t.seed, slug)
	tag, mask := uint32(h>>32), uint64(len(t.slots)-1)
	for k := h & mask; ; k = (k + 1) & mask {
		sl := t.slots[k]
		if sl.at == 0 {
			return -1
		}
		if sl.tag == tag && t.slug(int(sl.at-1)) == slug {
			return int(sl.at - 1)
		}
	}
}
