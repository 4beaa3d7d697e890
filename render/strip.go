package render

import (
	"strconv"

	"github.com/newsline/timeline/render/datefmt"
)

// stripView is the overview strip: one bar per year from the first to the
// last dated year, as tall as that year has events, linking to its section.
type stripView struct {
	Width, Height       int
	Bars                []barView
	First, Last         string
	firstYear, lastYear int
}

type barView struct {
	Href, Label string
	X, Y, W, H  int
}

const (
	stripHeight = 40 // viewBox units
	barWidth    = 10 // viewBox units per year, gaps included
)

// stripOf draws the strip; href gives a bar's link (nil: the year's section
// on the same page).
func stripOf(years []yearView, href func(year int) string) *stripView {
	if href == nil {
		href = func(y int) string { return "#y" + strconv.Itoa(y) }
	}
	counts := map[int]int{}
	first, last, max := 0, 0, 0
	for _, y := range years {
		n, err := strconv.Atoi(y.Anchor[1:])
		if y.Anchor == "undated" || err != nil {
			continue
		}
		count := y.count
		counts[n] = count
		if first == 0 || n < first {
			first = n
		}
		if n > last {
			last = n
		}
		if count > max {
			max = count
		}
	}
	if max == 0 {
		return nil
	}
	v := &stripView{Width: (last - first + 1) * barWidth, Height: stripHeight,
		First: datefmt.Year(first), Last: datefmt.Year(last), firstYear: first, lastYear: last}
	for y := first; y <= last; y++ {
		n := counts[y]
		if n == 0 {
			continue
		}
		h := n * stripHeight / max
		if h < 3 {
			h = 3
		}
		v.Bars = append(v.Bars, barView{
			Href:  href(y),
			Label: datefmt.Year(y) + ": " + plural(n, "event"),
			X:     (y-first)*barWidth + 1, Y: stripHeight - h, W: barWidth - 2, H: h,
		})
	}
	return v
}
