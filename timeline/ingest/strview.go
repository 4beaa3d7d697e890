package ingest

import "unsafe"

// A parse builds an article's text in a buffer of its own and reads
// paragraphs of it as strings; copying them into strings doubled the bytes
// a parse allocates. These two hand the bytes out without a copy, under
// the rule each states.

// ownedString returns b as a string sharing its memory. The caller gives b
// up: nothing may write to b (or any slice of its array) afterwards.
func ownedString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// viewString returns b as a string sharing its memory, for reading while
// b is left unchanged: the string must not be kept (nor escape) past the
// next write to b.
func viewString(b []byte) string { return ownedString(b) }

// bodyOf returns raw[from:] as a string sharing raw's memory. The article
// keeps raw as its Raw, which nothing writes to (see Parse), and Body is
// nearly all of Raw again: a copy was a second file-sized allocation per
// article, 28 MB at 10,000 articles (the site shared the two already, after
// parsing, to keep them off the live heap).
func bodyOf(raw []byte, from int) string { return ownedString(raw[from:]) }
