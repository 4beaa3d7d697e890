package timeline

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseDateSpans(t *testing.T) {
	cases := []struct {
		value      string
		gran       Granularity
		start, end string
	}{
		{"2020", GranYear, "2020-01-01T00:00", "2021-01-01T00:00"},
		{"2023-09", GranMonth, "2023-09-01T00:00", "2023-10-01T00:00"},
		{"2024-06-12", GranDay, "2024-06-12T00:00", "2024-06-13T00:00"},
		{"2024-W24", GranWeek, "2024-06-10T00:00", "2024-06-17T00:00"},
		{"2020-W53", GranWeek, "2020-12-28T00:00", "2021-01-04T00:00"},
		{"2012-Q3", GranQuarter, "2012-07-01T00:00", "2012-10-01T00:00"},
		{"2012-H2", GranHalf, "2012-07-01T00:00", "2013-01-01T00:00"},
		{"199", GranDecade, "1990-01-01T00:00", "2000-01-01T00:00"},
		{"19", GranCentury, "1900-01-01T00:00", "2000-01-01T00:00"},
		{"2019-SU", GranSeason, "2019-06-01T00:00", "2019-09-01T00:00"},
		{"2019-WI", GranSeason, "2019-12-01T00:00", "2020-03-01T00:00"},
		{"2024-06-12T14", GranTime, "2024-06-12T14:00", "2024-06-12T15:00"},
		{"2024-06-12T14:30", GranTime, "2024-06-12T14:30", "2024-06-12T14:31"},
		{"2024-06-12TEV", GranTime, "2024-06-12T18:00", "2024-06-13T00:00"},
	}
	for _, c := range cases {
		d, err := ParseDate(c.value)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", c.value, err)
			continue
		}
		got := [2]string{d.Start.Format("2006-01-02T15:04"), d.End.Format("2006-01-02T15:04")}
		if d.Gran != c.gran || got != [2]string{c.start, c.end} {
			t.Errorf("ParseDate(%q) = %v %v, want %v [%s, %s)", c.value, d.Gran, got, c.gran, c.start, c.end)
		}
	}
}

func TestParseDateRejects(t *testing.T) {
	for _, v := range []string{"", "XXXX-XX-XX", "PRESENT_REF", "P3D", "2023-13", "2023-02-30", "0000-00-00",
		"9999-99-99", "19T10", "2024-W54", "2024-Q5", "2024-06-12T25", "20245", "2024-06-12-01", "abcd"} {
		if d, err := ParseDate(v); err == nil {
			t.Errorf("ParseDate(%q) = %+v, want an error", v, d)
		}
	}
}

func TestDateRelations(t *testing.T) {
	must := func(v string) Date {
		d, err := ParseDate(v)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	year, day, month := must("2020"), must("2020-09-27"), must("2023-09")
	if !year.Contains(day) || day.Contains(year) {
		t.Error("a year must contain its days, not the other way")
	}
	if year.Overlaps(month) {
		t.Error("2020 and 2023-09 do not overlap")
	}
	if year.Compare(day) >= 0 {
		t.Error("a year sorts before the days it contains")
	}
	if got := DateOf(time.Date(2024, 6, 14, 15, 0, 0, 0, time.UTC)); got.Value != "2024-06-14" || got.Gran != GranDay {
		t.Errorf("DateOf = %+v", got)
	}
}

// TestSplitAtMostMatchesSplit pins splitAtMost to strings.Split up to three
// separators, and a fourth part holding the rest beyond.
func TestSplitAtMostMatchesSplit(t *testing.T) {
	for _, s := range []string{"", "2020", "2020-06", "2020-06-12", "-", "--", "a-b-c-d", "a-b-c-d-e", "2020-"} {
		var buf [4]string
		got := splitAtMost(s, '-', &buf)
		want := strings.Split(s, "-")
		if len(want) > 4 {
			want = append(want[:3], strings.Join(want[3:], "-"))
		}
		if !slices.Equal(got, want) {
			t.Errorf("splitAtMost(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestDateOfIsParseDateOfTheDay checks DateOf against what it stands for,
// ParseDate of the day formatted "2006-01-02", over days of every month of
// far-apart years (the edges of four-digit years and past them) in several
// time zones.
func TestDateOfIsParseDateOfTheDay(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("east", 14*3600), time.FixedZone("west", -12*3600)}
	years := []int{-10001, -1, 0, 1, 9, 10, 99, 999, 1000, 1969, 1970, 2000, 2024, 2026, 9999, 10000, 123456}
	for _, loc := range zones {
		for _, y := range years {
			for m := time.January; m <= time.December; m++ {
				for _, day := range []int{1, 9, 10, 28, 29, 30, 31} {
					for _, h := range []int{0, 13, 23} {
						tm := time.Date(y, m, day, h, 59, 59, 999, loc)
						want, _ := ParseDate(tm.Format("2006-01-02"))
						if got := DateOf(tm); got != want {
							t.Fatalf("DateOf(%v) = %#v, want %#v", tm, got, want)
						}
					}
				}
			}
		}
	}
}
