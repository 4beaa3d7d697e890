package export

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/newsline/timeline/timeline"
)

func TestJSONLDIsSafeInsideScript(t *testing.T) {
	tl := fixture(t)
	ev := eventByID(t, tl, "d0612")
	a := tl.Articles[0]
	a.Meta.Title = "</script><script>alert(1)</script> & <!--"
	for name, b := range map[string][]byte{
		"event":   mustBytes(EventJSONLD(ev, absoluteSite())),
		"article": mustBytes(NewsArticleJSONLD(a, absoluteSite())),
	} {
		for _, bad := range []string{"<", ">", "&", "\u2028"} {
			if bytes.Contains(b, []byte(bad)) {
				t.Errorf("%s JSON-LD contains a raw %q: %s", name, bad, b)
			}
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil || v["@context"] != "https://schema.org" {
			t.Errorf("%s: %v %v", name, err, v["@context"])
		}
	}
}

func TestNewsArticleJSONLD(t *testing.T) {
	a := fixture(t).Articles[0]
	var v map[string]any
	if err := json.Unmarshal(mustBytes(NewsArticleJSONLD(a, absoluteSite())), &v); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"@type": "NewsArticle", "headline": "Older <b>report</b>", "datePublished": "2024-06-14",
		"url": "https://school.example/history/armenia/articles/older/", "isBasedOn": "https://news.example/older?a=1&b=2",
	}
	for k, w := range want {
		if v[k] != w {
			t.Errorf("%s = %v, want %v", k, v[k], w)
		}
	}
	if author, _ := v["author"].(map[string]any); author["name"] != "A. Writer" || author["@type"] != "Person" {
		t.Errorf("author = %v", v["author"])
	}
	// Without a base URL there is no absolute URL: a relative one would not resolve in JSON-LD.
	v = nil
	if err := json.Unmarshal(mustBytes(NewsArticleJSONLD(a, Site{})), &v); err != nil {
		t.Fatal(err)
	}
	if _, ok := v["url"]; ok {
		t.Errorf("relative url written: %v", v["url"])
	}
}

func TestEventJSONLDDates(t *testing.T) {
	tl := fixture(t)
	cases := map[string][2]string{
		"y2020": {"2020", ""},
		"r1820": {"2018", "2020"},
		"m2309": {"2023-09", ""},
		"d0612": {"2024-06-12", ""},
		"multi": {"2024-06-10", "2024-06-14"},
		"w24":   {"2024-06-10", "2024-06-16"},
		"q3":    {"2012-07-01", "2012-09-30"},
		"t1430": {"2024-06-12T14:30:00", ""}, // the article's wall-clock time: no zone was given, so none is claimed
		"morn":  {"2024-06-13", ""},
	}
	for id, want := range cases {
		var v map[string]any
		if err := json.Unmarshal(mustBytes(EventJSONLD(eventByID(t, tl, id), absoluteSite())), &v); err != nil {
			t.Fatal(err)
		}
		end, _ := v["endDate"].(string)
		if v["startDate"] != want[0] || end != want[1] {
			t.Errorf("%s: %v..%v, want %v..%v", id, v["startDate"], end, want[0], want[1])
		}
	}
	var v map[string]any
	_ = json.Unmarshal(mustBytes(EventJSONLD(eventByID(t, tl, "d0612"), absoluteSite())), &v)
	loc, _ := v["location"].([]any)
	if len(loc) != 1 || loc[0].(map[string]any)["name"] != "Yerevan" {
		t.Errorf("location = %v", v["location"])
	}
	if _, err := EventJSONLD(timeline.Event{ID: "x", Start: timeline.Date{Value: "XXXX"}}, Site{}); err == nil {
		t.Error("an undated event got JSON-LD")
	}
}
