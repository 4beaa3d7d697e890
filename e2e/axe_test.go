package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// axeTags are the rule sets run: WCAG 2.0 and 2.1, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeViolation is the part of an axe-core result a report needs.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target         []any  `json:"target"`
		HTML           string `json:"html"`
		FailureSummary string `json:"failureSummary"`
	} `json:"nodes"`
}

// runAxe injects axe-core into the open page and returns its violations.
func runAxe(tb *tab) []axeViolation {
	tb.t.Helper()
	src, err := os.ReadFile(nodeModule(tb.t, "axe-core/axe.min.js"))
	if err != nil {
		tb.t.Fatal(err)
	}
	evalIn[any](tb, string(src)+"\n;null")
	tags, _ := json.Marshal(axeTags)
	script := fmt.Sprintf(`axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']}).then(r => r.violations)`, tags)
	return evalIn[[]axeViolation](tb, script)
}

// reportAxe fails the test once per violated rule, naming page, rule and elements.
func reportAxe(t testing.TB, page string, violations []axeViolation) {
	t.Helper()
	for _, v := range violations {
		var nodes []string
		for i, n := range v.Nodes {
			if i == 5 {
				nodes = append(nodes, fmt.Sprintf("… and %d more", len(v.Nodes)-5))
				break
			}
			nodes = append(nodes, fmt.Sprintf("%v %s", n.Target, truncate(n.HTML, 160)))
		}
		t.Errorf("axe %s: rule %s (%s): %s\n    %s", page, v.ID, v.Impact, v.Help, strings.Join(nodes, "\n    "))
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
