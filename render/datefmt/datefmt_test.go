package datefmt

import (
	"fmt"
	"testing"

	"github.com/newsline/timeline/timeline"
)

func mustDate(t testing.TB, v string) timeline.Date {
	t.Helper()
	d, err := timeline.ParseDate(v)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDateAtItsPrecision(t *testing.T) {
	cases := []struct{ value, text string }{
		{"2020", "2020"},
		{"2023-09", "September 2023"},
		{"2024-06-12", "12 June 2024"},
		{"2024-06-12T14:30", "12 June 2024, 14:30"},
		{"2024-06-12T14", "12 June 2024, 14:00"},
		{"2024-06-12TEV", "12 June 2024, evening"},
		{"2024-W24", "week 24 of 2024"},
		{"2020-W53", "week 53 of 2020"},
		{"2012-Q3", "third quarter of 2012"},
		{"2012-H1", "first half of 2012"},
		{"2019-SU", "summer 2019"},
		{"2019-WI", "winter 2019/20"},
		{"199", "1990s"},
		{"19", "20th century"},
		{"1", "2nd millennium"},
		{"0800", "800"},
	}
	for _, c := range cases {
		if got := Date(mustDate(t, c.value)); got != c.text {
			t.Errorf("Date(%s) = %q, want %q", c.value, got, c.text)
		}
	}
	if got := Date(timeline.Date{Value: "XXXX-XX-XX"}); got != "XXXX-XX-XX" {
		t.Errorf("unresolved date = %q", got)
	}
}

func TestRange(t *testing.T) {
	cases := []struct{ start, end, want string }{
		{"2018", "2020", "2018–2020"},
		{"2024-06-12", "2024-06-14", "12–14 June 2024"},
		{"2024-05-30", "2024-06-02", "30 May – 2 June 2024"},
		{"2023-12-30", "2024-01-02", "30 December 2023 – 2 January 2024"},
		{"2019-05", "2019-07", "May–July 2019"},
		{"2019-11", "2020-02", "November 2019 – February 2020"},
		{"2018", "2024-06-12", "2018 – 12 June 2024"},
		{"2020", "2020", "2020"},
	}
	for _, c := range cases {
		end := mustDate(t, c.end)
		if got := Range(mustDate(t, c.start), &end); got != c.want {
			t.Errorf("Range(%s, %s) = %q, want %q", c.start, c.end, got, c.want)
		}
	}
	if got := Range(mustDate(t, "2021"), nil); got != "2021" {
		t.Errorf("no end: %q", got)
	}
}

func ExampleRange() {
	d := func(v string) timeline.Date { x, _ := timeline.ParseDate(v); return x }
	end := d("2020")
	fmt.Println(Range(d("2018"), &end))
	// Output: 2018–2020
}
