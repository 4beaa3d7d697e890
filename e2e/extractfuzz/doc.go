// Package extractfuzz holds FuzzExtractPipeline, the fuzz target for the whole extract
// path (ingest.Parse -> events.Extract -> merge.Merge). It lives apart from the
// browser tests in e2e so that `go test -fuzz` instruments only the pipeline,
// not chromedp, and builds in seconds.
package extractfuzz
