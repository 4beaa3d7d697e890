package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"time"

	"github.com/newsline/timeline/timeline"
)

// FragmentCache keeps the bytes one event contributes to a whole-file export
// (its VEVENT in events.ics, its row in events.csv, its slide in
// timeline.json) between builds, so regenerating a file after a small change
// splices stored fragments and renders only the events that changed.
//
// Keys look like "ics/3f2a…" (the export's name, a slash, 48 hex digits): a
// SHA-256 over the fragment format's version and everything the fragment's
// bytes are made of (the event's ID, title and dates, its first sentence, the
// title, URL and date of every article it cites, or the digest of those that
// Site.EventDigest gives; its page URL; for ICS the site's host, for
// TimelineJS the slide's unique id). Equal key, equal bytes,
// so a cache never needs invalidating for content; only a change of this
// package's code (FragmentVersion) or of the libraries that serialise the
// formats changes bytes under an unchanged key, which is why the build drops
// the cache when the tool's version changes. A fragment of events.ics is
// stored with a placeholder DTSTAMP (the build date) that is replaced as it
// is written, so a newer article does not invalidate every VEVENT.
//
// The export files render concurrently, so Get and Put may be called from
// several goroutines at once: an implementation must be safe for that. Put
// receives a slice it may keep (it is not modified afterwards); Get's result is
// only read. A cache may drop entries at will: a miss renders the fragment.
// Output is byte-identical with and without a cache.
type FragmentCache interface {
	Get(key string) ([]byte, bool)
	Put(key string, b []byte)
}

// FragmentVersion is part of every fragment key. Bump it when a change to
// this package changes the bytes of an event's VEVENT, CSV row or slide.
const FragmentVersion = "fragments-1"

// fragmentKey hashes what an event's fragment of one export is made of.
func (p *site) fragmentKey(kind string, i int, ev *timeline.Event, extra string) string {
	sum := p.fragmentSum(kind, i, ev, extra)
	return kind + "/" + hex.EncodeToString(sum[:24])
}

// fragmentSum is the SHA-256 behind fragmentKey and spliceKey.
func (p *site) fragmentSum(kind string, i int, ev *timeline.Event, extra string) [32]byte {
	h := keyBuf{b: p.keyScratch[:0]} // an export writes its file from one goroutine
	defer func() { p.keyScratch = h.b }()
	h.str(FragmentVersion)
	h.str(kind)
	h.str(extra)
	h.str(p.eventURL(*ev))
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

// fragment writes one event's fragment to w: straight from render when there
// is no cache, else from the cache, rendering and storing it on a miss.
// write puts stored bytes into this build's file (nil: as they are).
func (p *site) fragment(w io.Writer, kind string, i int, ev *timeline.Event, extra string,
	render func(io.Writer) error, write func(io.Writer, []byte) error) error {
	if p.Fragments == nil {
		return render(w)
	}
	key := p.fragmentKey(kind, i, ev, extra)
	data, ok := p.Fragments.Get(key)
	if !ok {
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			return err
		}
		data = buf.Bytes()
		p.Fragments.Put(key, data)
	}
	if write != nil {
		return write(w, data)
	}
	_, err := w.Write(data)
	return err
}
