package timex

import (
	"reflect"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// TestResolveAppendIsResolve checks that ResolveAppend appends what Resolve
// returns, keeping what dst held, into a buffer reused text after text.
func TestResolveAppendIsResolve(t *testing.T) {
	texts := []string{
		"On March 3, 2021, the council met. Between 2018 and 2020 the plan stalled; last week it was revived.",
		newsText(t, 20000),
		"No date here at all.",
		"The 2020 election came two years after the 2018 one. The next day, officials said the count would end by June 30.",
	}
	head := Resolve("It opened on Friday.", friday)
	var buf []timeline.Timex
	for _, tx := range texts {
		want := Resolve(tx, friday)
		buf = ResolveAppend(append(buf[:0], head...), tx, friday)
		if !reflect.DeepEqual(buf[:len(head)], head) || len(buf)-len(head) != len(want) {
			t.Fatalf("%.30q: %d expressions after the %d kept, want %d", tx, len(buf)-len(head), len(head), len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(buf[len(head)+i], want[i]) {
				t.Fatalf("%.30q: expression %d = %+v, want %+v", tx, i, buf[len(head)+i], want[i])
			}
		}
	}
}
