package export

import (
	"crypto/sha256"
	"encoding/binary"
	"time"

	"github.com/newsline/timeline/timeline"
)

// An event's fragment of a whole-file export (its VEVENT in events.ics, its
// row in events.csv, its slide in timeline.json) is identified by a SHA-256
// over the fragment format's version and everything the fragment's bytes are
// made of (the event's ID, title and dates, its first sentence, the title,
// URL and date of every article it cites, or the digest of those that
// Site.EventDigest gives; its page URL, as the base URL and the path it
// resolves; for ICS the site's host, for TimelineJS the slide's unique id).
// Equal digest, equal bytes (for the same
// code of this package, FragmentVersion, and of the libraries that serialise
// the formats), which is what lets a rebuild splice the fragments of
// unchanged events from the previously published file (see SpliceStore).

// FragmentVersion is part of every fragment key. Bump it when a change to
// this package changes the bytes of an event's VEVENT, CSV row or slide.
const FragmentVersion = "fragments-1"

// fragmentSum is the SHA-256 behind spliceKey.
func (p *site) fragmentSum(kind string, i int, ev *timeline.Event, extra string) [32]byte {
	h := keyBuf{b: p.keyScratch[:0]} // an export writes its file from one goroutine
	defer func() { p.keyScratch = h.b }()
	h.str(FragmentVersion)
	h.str(kind)
	h.str(extra)
	p.hashEventURL(&h, ev)
	if p.EventDigest != nil {
		h.str("digest")
		h.str(string(p.EventDigest(i)))
		return sha256.Sum256(h.b)
	}
	h.str(ev.ID)
	h.str(ev.Title)
	h.date(ev.Start)
	if ev.End != nil {
		h.str("end")
		h.date(*ev.End)
	}
	h.str(firstSentence(*ev))
	for _, src := range p.sources(*ev) {
		h.str(src.Title)
		h.str(src.URL)
		h.time(src.Date)
	}
	return sha256.Sum256(h.b)
}

// hashEventURL adds what the event's page URL is made of: the base URL and
// the path it resolves (the same pair always resolves to the same URL),
// which spares resolving and concatenating it for every copied fragment.
func (p *site) hashEventURL(h *keyBuf, ev *timeline.Event) {
	if p.base != nil && p.baseString == "" {
		p.baseString = p.base.String()
	}
	h.str(p.baseString) // empty without a base URL
	if p.EventURL != nil {
		h.str("path")
		h.str(p.EventURL(*ev))
		return
	}
	h.str("default path of ID") // eventURL's default layout, a function of the ID
	h.str(ev.ID)
}

// keyBuf collects length-prefixed fields, so distinct field lists never
// produce the same bytes.
type keyBuf struct{ b []byte }

func (k *keyBuf) str(s string) {
	k.b = binary.AppendUvarint(k.b, uint64(len(s)))
	k.b = append(k.b, s...)
}

func (k *keyBuf) time(t time.Time) {
	_, off := t.Zone()
	k.b = binary.AppendVarint(k.b, t.Unix())
	k.b = binary.AppendVarint(k.b, int64(t.Nanosecond()))
	k.b = binary.AppendVarint(k.b, int64(off))
}

func (k *keyBuf) date(d timeline.Date) {
	k.str(d.Value)
	k.b = binary.AppendVarint(k.b, int64(d.Gran))
	k.time(d.Start)
	k.time(d.End)
}
