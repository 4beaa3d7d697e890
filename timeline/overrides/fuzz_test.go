package overrides

import (
	"regexp"
	"testing"
)

// FuzzParseApply: any bytes parse to entries or an error, never a panic, and
// applying what parses never yields an ID outside [a-z0-9-].
func FuzzParseApply(f *testing.F) {
	for _, s := range []string{
		"- id: aaaa000001\n  date: 2020\n",
		"- match: flood\n  on: 2020\n  title: X\n",
		"- merge: [aaaa000001, aaaa000003]\n",
		"- add:\n    title: X\n    date: 2020-05\n    source: harbour\n",
		"- id: &a x\n- *a\n",
		"- {id: 1e9, hide: true}\n",
		"[]",
		"- add: [1, 2]\n",
	} {
		f.Add([]byte(s))
	}
	valid := regexp.MustCompile(`^[a-z0-9-]+$`)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, _ := Parse(path, data) // with errors, the good entries still apply
		if file == nil {
			return
		}
		tl := sample(t)
		file.Apply(&tl)
		for _, e := range tl.Events {
			if !valid.MatchString(e.ID) {
				t.Fatalf("event ID %q escapes [a-z0-9-]", e.ID)
			}
		}
	})
}
