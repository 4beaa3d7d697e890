package render

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"hash/maphash"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// mutateIDs returns a copy of tl with a few of its events' IDs changed,
// events removed, added or moved, as often to names checkNames refuses
// (repeats of kept, changed or removed IDs; unsafe names) as to names it
// takes (new slugs; safe names that are not slugs), in merge's order.
func mutateIDs(rng *rand.Rand, tl timeline.Timeline, serial *int) timeline.Timeline {
	out := timeline.Timeline{Events: slices.Clone(tl.Events), Articles: tl.Articles}
	unsafe := []string{"../x", "a/b", ".hidden", "", "a b", "é", strings.Repeat("a", maxSegment+1), "-lead", "a\x00b", `a\b`, "a:b"}
	notSlug := []string{"Ev_1", "UPPER", "a.b", "x_y", "a--b", "z-"}
	for e := 1 + rng.IntN(4); e > 0; e-- {
		i := rng.IntN(len(out.Events))
		*serial++
		switch k := rng.IntN(100); {
		case k < 25: // a new slug
			out.Events[i].ID = fmt.Sprintf("new%05d", *serial)
		case k < 40: // another event's ID, kept or changed
			out.Events[i].ID = out.Events[rng.IntN(len(out.Events))].ID
		case k < 50: // two events given one new ID
			id := fmt.Sprintf("twin%05d", *serial)
			out.Events[i].ID, out.Events[rng.IntN(len(out.Events))].ID = id, id
		case k < 56:
			out.Events[i].ID = unsafe[rng.IntN(len(unsafe))]
		case k < 59:
			out.Events[i].ID = notSlug[rng.IntN(len(notSlug))]
		case k < 62: // a slug of the longest length allowed
			out.Events[i].ID = fmt.Sprintf("%0*d", maxSegment, *serial)
		case k < 72:
			if len(out.Events) > 2 {
				out.Events = slices.Delete(out.Events, i, i+1)
			}
		case k < 82: // redated: found out of order
			d, _ := timeline.ParseDate(fmt.Sprintf("%d-%02d", 1850+rng.IntN(200), 1+rng.IntN(12)))
			out.Events[i].Start = d
		case k < 92: // an event added, with a new ID or a removed one
			ev := out.Events[i]
			ev.ID = fmt.Sprintf("added%05d", *serial)
			if rng.IntN(2) == 0 {
				ev.ID = fmt.Sprintf("ev%05d", rng.IntN(2*len(tl.Events)))
			}
			out.Events = slices.Insert(out.Events, rng.IntN(len(out.Events)+1), ev)
		default: // a run of new slugs: more than find's window
			for j := i; j < min(i+8, len(out.Events)); j++ {
				out.Events[j].ID = fmt.Sprintf("run%05d-%d", *serial, j)
			}
		}
	}
	merge.SortEvents(out.Events) // as merge gives them
	return out
}

// TestVouchedIDsAreCheckedAsCheckNames: a chain of plans given one
// PlanBuffers, each with the memo the last plan that succeeded wrote (so
// its IDs are vouched for), over timelines whose IDs change at random,
// often to repeats and unsafe names. Each plan fails exactly as a plan
// without memo or buffers (checkNames on every ID), with the same error,
// or plans the same pages, the same slug flag; with Memo.near looking at
// one record only too (most IDs moved are then not found). Fails when
// checkVouched lets through a repeat among the IDs not found, an unsafe
// one, or an ID not found that equals one found (no second pass), or
// when near or after (past runs of misses) finds a record before the last
// one found.
func TestVouchedIDsAreCheckedAsCheckNames(t *testing.T) {
	for _, far := range []int{nearFar, 1} {
		t.Run(fmt.Sprintf("near=%d", far), func(t *testing.T) {
			defer func(n int) { nearFar = n }(nearFar)
			nearFar = far
			vouchedIDsChain(t, rand.New(rand.NewPCG(15, uint64(far))))
		})
	}
}

func vouchedIDsChain(t *testing.T, rng *rand.Rand) {
	prev := synthetic(t, 300)
	bufs := &PlanBuffers{}
	cfg := Config{Title: "Vouched", Buffers: bufs}
	first, err := PlanIncremental(prev, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	data := first.AppendMemo(nil)
	serial, vouchedOK, vouchedErr, fellBack := 0, 0, 0, 0
	for round := 0; round < 400; round++ {
		next := mutateIDs(rng, prev, &serial)
		want, wantErr := PlanIncremental(next, Config{Title: "Vouched"}, nil, nil)
		ch := &timeline.Changes{Known: true}
		if wantErr == nil {
			ch = referenceChanges(prev, next)
		}
		memo, err := ParseMemo(data)
		if err != nil {
			t.Fatal(err)
		}
		vouched := bufs.ids.vouches(memo)
		got, gotErr := PlanIncremental(next, cfg, memo, ch)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("round %d (memo vouched %v): error %v, want %v", round, vouched, gotErr, wantErr)
		}
		if wantErr != nil {
			if vouched {
				vouchedErr++
			}
			continue // the chain goes on from the last timeline planned
		}
		samePlan(t, fmt.Sprintf("round %d", round), got.Pages, want.Pages, false)
		if got.s.slugIDs != want.s.slugIDs {
			t.Fatalf("round %d: slug IDs %v, want %v", round, got.s.slugIDs, want.s.slugIDs)
		}
		switch {
		case got.Stats.IDsVouched:
			vouchedOK++
		case vouched:
			fellBack++
		}
		if got.Stats.IDsVouched && !vouched {
			t.Fatalf("round %d: IDs vouched for by a memo not vouched for", round)
		}
		if !want.s.slugIDs {
			continue // its memo is vouched for by no one: go on from the last one that is
		}
		data = got.AppendMemo(nil)
		prev = next
	}
	t.Logf("vouched: %d planned, %d refused as checkNames refuses; %d left to checkNames", vouchedOK, vouchedErr, fellBack)
	if vouchedOK < 15 || vouchedErr < 50 {
		t.Fatalf("too few vouched plans to tell: %d planned, %d refused", vouchedOK, vouchedErr)
	}
}

// resealMemo recomputes a memo's checksum after its bytes were changed.
func resealMemo(data []byte) {
	body := data[:len(data)-4]
	binary.LittleEndian.PutUint32(data[len(body):], crc32.Checksum(body, memoCRC))
}

// TestForgedMemoIsNotVouched: a memo whose IDs were changed after a plan
// given these buffers wrote it (one ID made another's, one made unsafe,
// the checksum made right again) is read as a memo, but its IDs are not
// vouched for: a timeline with those IDs fails as it does without a memo.
// Fails when the vouch trusts the memo's own checksum, or nothing at all.
func TestForgedMemoIsNotVouched(t *testing.T) {
	base := synthetic(t, 300)
	bufs := &PlanBuffers{}
	cfg := Config{Title: "Forged", Buffers: bufs}
	first, err := PlanIncremental(base, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	data := first.AppendMemo(nil)
	m, err := ParseMemo(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bufs.ids.vouches(m) {
		t.Fatal("the memo the buffers' plan wrote is not vouched for")
	}
	if r, err := PlanIncremental(base, cfg, m, &timeline.Changes{Known: true}); err != nil || !r.Stats.IDsVouched {
		t.Fatalf("the unchanged timeline with its own memo: IDs vouched %v, error %v", r != nil && r.Stats.IDsVouched, err)
	}
	forge := func(j int, id string) ([]byte, timeline.Timeline) {
		d := slices.Clone(data)
		from, to := m.idSpan[2*j], m.idSpan[2*j+1]
		if int(to-from) != len(id) {
			t.Fatalf("forged ID %q is not %d bytes", id, to-from)
		}
		copy(d[from:to], id)
		resealMemo(d)
		tl := timeline.Timeline{Events: slices.Clone(base.Events), Articles: base.Articles}
		tl.Events[j].ID = id // the timeline the forged memo lists
		return d, tl
	}
	for _, c := range []struct {
		j    int
		id   string
		want string
	}{
		{10, base.Events[11].ID, "two events share the ID"},
		{20, "../" + base.Events[20].ID[3:], "not a safe folder name"},
	} {
		d, tl := forge(c.j, c.id)
		forged, err := ParseMemo(d)
		if err != nil {
			t.Fatalf("forged memo: %v", err)
		}
		_, err = PlanIncremental(tl, cfg, forged, &timeline.Changes{Known: true})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("ID %d forged to %q: error %v, want %q", c.j, c.id, err, c.want)
		}
		// The buffers' vouch is still the honest memo's.
		if bufs.ids.vouches(forged) {
			t.Fatalf("memo with ID %d forged to %q is vouched for", c.j, c.id)
		}
	}
}

// TestVouchHashesTheIDSection: the hash the memo's writer vouches for,
// streamed in small chunks (WriteMemo) or appended, is the hash of the ID
// section read back (Memo.idSection), whether the IDs were copied from the
// previous memo or encoded; a plan whose IDs are not all slugs vouches for
// nothing (the vouch says they are).
func TestVouchHashesTheIDSection(t *testing.T) {
	defer func(n int) { memoChunk = n }(memoChunk)
	memoChunk = 300
	base := synthetic(t, 400)
	bufs := &PlanBuffers{}
	cfg := Config{Title: "Hash", Buffers: bufs}
	first, err := PlanIncremental(base, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := roundTrip(t, first)
	next := withNewArticle(t, base)
	r, err := PlanIncremental(next, cfg, m, referenceChanges(base, next))
	if err != nil || !r.Stats.MemoUsed || !r.Stats.IDsVouched {
		t.Fatalf("memo used %v, IDs vouched %v, error %v", r.Stats.MemoUsed, r.Stats.IDsVouched, err)
	}
	if r.memoCopies().copied() == 0 {
		t.Fatal("no ID copied from the previous memo")
	}
	var w bytes.Buffer
	if err := r.WriteMemo(&w); err != nil {
		t.Fatal(err)
	}
	streamed := bufs.ids.sum
	back, err := ParseMemo(w.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if want := maphash.String(bufs.ids.seed, back.idSection()); streamed != want || !bufs.ids.vouches(back) {
		t.Fatalf("WriteMemo vouched for %x, the section read back hashes to %x", streamed, want)
	}
	r.AppendMemo(nil)
	if bufs.ids.sum != streamed {
		t.Fatalf("AppendMemo vouched for %x, WriteMemo for %x", bufs.ids.sum, streamed)
	}
	other := timeline.Timeline{Events: slices.Clone(next.Events), Articles: next.Articles}
	other.Events[5].ID = "Not_A_Slug"
	o, err := PlanIncremental(other, Config{Title: "Hash", Buffers: &PlanBuffers{}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.AppendMemo(nil)
	if o.s.cfg.Buffers.ids.set {
		t.Fatal("a plan with an ID that is not a slug vouched for its IDs")
	}
}

// TestParseMemoRefusesLongIDLengths: an ID's length written in more bytes
// than it needs is damage (the memo's copies find an entry's start from
// its length), refused like any other.
func TestParseMemoRefusesLongIDLengths(t *testing.T) {
	r, err := PlanIncremental(synthetic(t, 100), Config{Title: "Lengths"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	data := r.AppendMemo(nil)
	m, err := ParseMemo(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range []int{0, 7, m.size() - 1} {
		at := m.idsFrom(j)
		l := data[at]
		d := slices.Concat(data[:at], []byte{l | 0x80, 0}, data[at+1:])
		resealMemo(d)
		if _, err := ParseMemo(d); err == nil {
			t.Fatalf("ID %d's length in two bytes: memo read", j)
		}
	}
}

// TestVouchedIDsResyncAfterARemovedBlock: past a block of removed events
// longer than near looks, the IDs after it are found again (in find's
// table, after resyncAfter misses), not all checked on their own: with
// at most 20 allowed, the plan is still vouched for. Fails without the
// resync (then 150 IDs are not found and checkNames checks them all).
func TestVouchedIDsResyncAfterARemovedBlock(t *testing.T) {
	defer func(n int) { maxUnvouched = n }(maxUnvouched)
	maxUnvouched = 20
	base := synthetic(t, 300)
	bufs := &PlanBuffers{}
	cfg := Config{Title: "Resync", Buffers: bufs}
	first, err := PlanIncremental(base, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseMemo(first.AppendMemo(nil))
	if err != nil {
		t.Fatal(err)
	}
	next := timeline.Timeline{Events: slices.Delete(slices.Clone(base.Events), 50, 50+nearFar+50), Articles: base.Articles}
	r, err := PlanIncremental(next, cfg, m, referenceChanges(base, next))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Stats.IDsVouched || !r.Stats.MemoUsed {
		t.Fatalf("after a removed block: IDs vouched %v, memo used %v", r.Stats.IDsVouched, r.Stats.MemoUsed)
	}
	want, err := PlanIncremental(next, Config{Title: "Resync"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	samePlan(t, "after a removed block", r.Pages, want.Pages, false)
}
