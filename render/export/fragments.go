package export

import (
	"encoding/binary"
	"time"

	"github.com/zeebo/xxh3"

	"github.com/newsline/timeline/timeline"
)

// An event's fragment of a whole-file export (its VEVENT in events.ics, its
// row in events.csv, its slide in timeline.json) is identified by an XXH3-128
// over the fragment format's version and everything the fragment's bytes are
// made of (the event's ID, title and dates, its first sentence, the title,
// URL and date of every article it cites, or the digest of those, ID
// included, that Site.EventDigest gives; its page URL, as the base URL and the path it
// resolves; for ICS the site's host, for TimelineJS the slide's unique id, or
// that it is "ev-" and the ID).
// Equal digest, equal bytes (for the same
// code of this package, FragmentVersion, and of the libraries that serialise
// the formats), which is what lets a rebuild splice the fragments of
// unchanged events from the previously published file (see SpliceStore).

// The digest only detects change in inputs this program made, so it needs no
// resistance to forgery (a fragment is also copied only when its bytes match
// the CRC the index recorded): SHA-256 of some 350,000 short inputs was most
// of the fragment work of an incremental 10,000-article build, and XXH3-128
// is fixed by its specification, so indexes stay valid across processes.

// FragmentVersion is part of every fragment key. Bump it when a change to
// this package changes the bytes of an event's VEVENT, CSV row or slide, or
// how the key is computed.
const FragmentVersion = "fragments-9" // 9: events.ics cites sources by relative link no more; 8: times of day floating in events.ics and without a zone in JSON-LD; 7: keys of 16-byte event digests masked (fragmentContextWith); 6: timeline.json without \u003c \u003e \u0026

// fragmentSum is the XXH3-128 behind spliceKey.
func (p *site) fragmentSum(kind string, i int, ev *timeline.Event, extra string) [16]byte {
	h := keyBuf{b: p.keyScratch[:0]} // an export writes its file from one goroutine
	defer func() { p.keyScratch = h.b }()
	if p.EventDigest != nil && p.EventURL != nil && p.EventURLPattern != "" {
		// The site's way (render sets all three): what is the same for every
		// fragment of the file is hashed once (fragmentContext); writing it
		// again for each of 100,000 events was most of the keys' cost.
		// The digest covers the event's ID (Site.EventDigest), so the
		// key need not read it: the IDs lie scattered over the heap, and
		// reading 100,000 of them for each export was most of its cost.
		d := p.EventDigest(i)
		if len(d) == 16 {
			// The key is the digest masked by the context's (the
			// version, kind, base URL, pattern and extra): for one
			// context a bijection of the digest, so two events' keys
			// are equal only when their digests are, and a key made
			// under another context (another base URL, version,
			// separator) matches only where the two masks' difference
			// equals the two XXH3 digests', as likely as a digest
			// collision. Hashing each of 116,000 keys per export was
			// most of the keys' cost.
			c := p.fragmentContextWith(kind, extra)
			var k [16]byte
			binary.LittleEndian.PutUint64(k[:8], binary.LittleEndian.Uint64(c[:8])^binary.LittleEndian.Uint64(d[:8]))
			binary.LittleEndian.PutUint64(k[8:], binary.LittleEndian.Uint64(c[8:16])^binary.LittleEndian.Uint64(d[8:16]))
			return k
		}
		h.b = append(h.b, p.fragmentContext(kind)...)
		h.str(extra)
		h.b = append(h.b, d...)
		return xxh3.Hash128(h.b).Bytes()
	}
	h.str(FragmentVersion)
	h.str(kind)
	h.str(extra)
	p.hashEventURL(&h, ev)
	if p.EventDigest != nil {
		h.str("digest")
		h.str(string(p.EventDigest(i)))
		return xxh3.Hash128(h.b).Bytes()
	}
	h.str(ev.ID)
	h.str(ev.Title)
	h.date(ev.Start)
	if ev.End != nil {
		h.str("end")
		h.date(*ev.End)
	}
	h.str(firstSentence(*ev))
	for _, src := range p.sources(i, *ev) {
		h.str(src.Title)
		h.str(src.URL)
		h.time(src.Date)
	}
	return xxh3.Hash128(h.b).Bytes()
}

// fragmentContext is the digest of what every fragment key of an export of
// this kind hashes alike, when the site gives an EventURLPattern and an
// EventDigest: the fragment version, the kind, the base URL and the
// pattern (with the ID, which each key adds, the pattern makes the URL).
func (p *site) fragmentContext(kind string) []byte {
	if p.contextKind == kind && p.context != nil {
		return p.context
	}
	if p.base != nil && p.baseString == "" {
		p.baseString = p.base.String()
	}
	var h keyBuf
	for _, s := range []string{FragmentVersion, "pattern+digest", kind, p.baseString, p.EventURLPattern} {
		h.str(s)
	}
	d := xxh3.Hash128(h.b).Bytes()
	p.context, p.contextKind = d[:], kind
	return p.context
}

// fragmentContextWith is the digest of fragmentContext(kind) and extra,
// the mask of the keys of 16-byte event digests; the last one made is kept
// (an export's extra is the same for nearly all its fragments).
func (p *site) fragmentContextWith(kind, extra string) []byte {
	if p.maskKind == kind && p.maskExtra == extra && p.mask != nil {
		return p.mask
	}
	var h keyBuf
	h.b = append(h.b, p.fragmentContext(kind)...)
	h.str("mask")
	h.str(extra)
	d := xxh3.Hash128(h.b).Bytes()
	p.mask, p.maskKind, p.maskExtra = d[:], kind, extra
	return p.mask
}

// hashEventURL adds what the event's page URL is made of: the base URL and
// the path it resolves (the same pair always resolves to the same URL),
// which spares resolving and concatenating it for every copied fragment.
func (p *site) hashEventURL(h *keyBuf, ev *timeline.Event) {
	if p.base != nil && p.baseString == "" {
		p.baseString = p.base.String()
	}
	h.str(p.baseString) // empty without a base URL
	if p.EventURL != nil && p.EventURLPattern != "" {
		h.str("pattern")
		h.str(p.EventURLPattern)
		h.str(ev.ID)
		return
	}
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
