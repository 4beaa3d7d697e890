package render

import (
	"testing"
)

func TestFormatDateAtItsPrecision(t *testing.T) {
	cases := []struct{ value, text, attr string }{
		{"2020", "2020", "2020"},
		{"2023-09", "September 2023", "2023-09"},
		{"2024-06-12", "12 June 2024", "2024-06-12"},
		{"2024-06-12T14:30", "12 June 2024, 14:30", "2024-06-12T14:30"},
		{"2024-06-12T14", "12 June 2024, 14:00", "2024-06-12T14:00"},
		{"2024-06-12TEV", "12 June 2024, evening", "2024-06-12"},
		{"2024-W24", "week 24 of 2024", "2024-W24"},
		{"2020-W53", "week 53 of 2020", "2020-W53"},
		{"2012-Q3", "third quarter of 2012", "2012"},
		{"2012-H1", "first half of 2012", "2012"},
		{"2019-SU", "summer 2019", "2019"},
		{"2019-WI", "winter 2019/20", "2019"},
		{"199", "1990s", ""},
		{"19", "20th century", ""},
		{"1", "2nd millennium", ""},
		{"0800", "800", "0800"},
	}
	for _, c := range cases {
		d := mustDate(t, c.value)
		if got := FormatDate(d); got != c.text {
			t.Errorf("FormatDate(%s) = %q, want %q", c.value, got, c.text)
		}
		if got := datetimeAttr(d); got != c.attr {
			t.Errorf("datetimeAttr(%s) = %q, want %q", c.value, got, c.attr)
		}
	}
}

func TestFormatRange(t *testing.T) {
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
		if got := FormatRange(mustDate(t, c.start), datePtr(t, c.end)); got != c.want {
			t.Errorf("FormatRange(%s, %s) = %q, want %q", c.start, c.end, got, c.want)
		}
	}
	if got := FormatRange(mustDate(t, "2021"), nil); got != "2021" {
		t.Errorf("no end: %q", got)
	}
}
