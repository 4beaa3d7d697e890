package ingest

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
)

var slugForm = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// maxSlug bounds slugs: they become directory names.
const maxSlug = 100

// checkSlug validates a slug written in front matter. It is strict (only
// a-z, 0-9 and single hyphens) and never rewrites it: an editor who wrote a
// slug meant that URL. Path-like slugs get their own message because they
// are attempts to write outside the site.
func checkSlug(s string) error {
	switch {
	case strings.Contains(s, "/") || strings.Contains(s, `\`) || strings.Contains(s, "..") || filepath.IsAbs(s):
		return fmt.Errorf("%w: %q is a path; a slug is one URL segment of a-z, 0-9 and -", ErrUnsafeSlug, s)
	case len(s) > maxSlug:
		return fmt.Errorf("%w: %q is longer than %d bytes", ErrUnsafeSlug, s, maxSlug)
	case !slugForm.MatchString(s):
		return fmt.Errorf("%w: %q: use only a-z, 0-9 and single hyphens", ErrUnsafeSlug, s)
	}
	return nil
}

// Slugify makes a slug from a file name or a title: lowercase ASCII letters
// and digits, every other run of characters a single hyphen, accents
// stripped where the letter is Latin, cut at a word boundary under maxLen.
// It returns "" when nothing usable is left.
func Slugify(s string, maxLen int) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		r = foldLatin(r)
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			hyphen = false
		} else if !unicode.Is(unicode.Mn, r) {
			hyphen = true
		}
	}
	out := b.String()
	if maxLen > 0 && len(out) > maxLen {
		out = out[:maxLen]
		if i := strings.LastIndexByte(out, '-'); i > 0 {
			out = out[:i]
		}
	}
	return strings.Trim(out, "-")
}

// foldLatin maps common accented Latin letters to their base letter.
func foldLatin(r rune) rune {
	const from, to = "àáâãäåāăąçćčďèéêëēėęěìíîïīįıñńňòóôõöøōőùúûüūůűųýÿžźżšśşřŕťţł", "aaaaaaaaacccdeeeeeeeeiiiiiiinnnoooooooouuuuuuuuyyzzzsssrrttl"
	if i := strings.IndexRune(from, r); i >= 0 {
		return rune(to[len([]rune(from[:i]))])
	}
	return r
}
