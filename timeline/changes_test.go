package timeline

import "testing"

func TestChangesSame(t *testing.T) {
	c := &Changes{Known: true, Changed: []string{"b", "d"}, Removed: []string{"x"}}
	for id, want := range map[string]bool{"a": true, "b": false, "c": true, "d": false, "x": false} {
		if got := c.Same(id); got != want {
			t.Errorf("Same(%q) = %v, want %v", id, got, want)
		}
	}
	var none *Changes
	if none.Same("a") || (&Changes{}).Same("a") {
		t.Error("without a known previous build every event must count as changed")
	}
}
