package render

import (
	"fmt"
	"testing"
)

func TestDatetimeAttrAtItsPrecision(t *testing.T) {
	cases := []struct{ value, attr string }{
		{"2020", "2020"},
		{"2023-09", "2023-09"},
		{"2024-06-12", "2024-06-12"},
		{"2024-06-12T14:30", "2024-06-12T14:30"},
		{"2024-06-12T14", "2024-06-12T14:00"},
		{"2024-06-12TEV", "2024-06-12"},
		{"2024-W24", "2024-W24"},
		{"2020-W53", "2020-W53"},
		{"2012-Q3", "2012"},
		{"2012-H1", "2012"},
		{"2019-SU", "2019"},
		{"2019-WI", "2019"},
		{"199", ""},
		{"19", ""},
		{"1", ""},
		{"0800", "0800"},
	}
	for _, c := range cases {
		if got := datetimeAttr(mustDate(t, c.value)); got != c.attr {
			t.Errorf("datetimeAttr(%s) = %q, want %q", c.value, got, c.attr)
		}
	}
}

// TestYear4IsSprintf: year4 writes every year datetimeAttr passes it (1 to
// 9999), and 0, as fmt.Sprintf("%04d") does.
func TestYear4IsSprintf(t *testing.T) {
	for y := 0; y <= 9999; y++ {
		if got, want := year4(y), fmt.Sprintf("%04d", y); got != want {
			t.Fatalf("year4(%d) = %q, want %q", y, got, want)
		}
	}
}
