package export

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestOEmbedRich(t *testing.T) {
	s := absoluteSite()
	s.Title = `"><script>alert(1)</script>`
	b, err := OEmbed(s, "embed/?theme=dark&from=2018", 640, 480)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out["version"] != "1.0" || out["type"] != "rich" || out["width"] != 640.0 || out["height"] != 480.0 {
		t.Errorf("required oEmbed fields wrong: %v", out)
	}
	if out["provider_url"] != "https://school.example/history/armenia/" {
		t.Errorf("provider_url = %v", out["provider_url"])
	}
	h, _ := out["html"].(string)
	if !strings.HasPrefix(h, `<iframe src="https://school.example/history/armenia/embed/?theme=dark&amp;from=2018" width="640" height="480" title="&#34;&gt;&lt;script&gt;`) ||
		strings.Count(h, "<") != 2 || !strings.HasSuffix(h, "></iframe>") {
		t.Errorf("html = %s", h)
	}
}

func TestOEmbedRefusesBadInput(t *testing.T) {
	for _, c := range []struct {
		url  string
		w, h int
	}{
		{"javascript:alert(1)", 600, 400},
		{"embed/", 0, 400},
		{"embed/", 600, -1},
		{"", 600, 400},
	} {
		if _, err := OEmbed(Site{}, c.url, c.w, c.h); err == nil {
			t.Errorf("OEmbed(%q, %d, %d) accepted", c.url, c.w, c.h)
		}
	}
	b, err := OEmbed(Site{}, "embed/", 600, 400)
	if err != nil || strings.Contains(string(b), "provider_url") {
		t.Errorf("relative site: %v %s", err, b)
	}
}
