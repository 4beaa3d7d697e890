// Package e2e holds the end-to-end proof that the built site works the way
// readers and educators meet it: a real Chromium driven through chromedp,
// axe-core for accessibility, the Nu HTML Checker for validity, independent
// clients for every export, and a hostile input corpus.
//
// Everything lives in _test.go files: the package has no API. The tests need
// tools that a plain Go machine lacks (Debian's chromium, Java, python3-feedparser,
// python3-icalendar and the npm packages in e2e/package.json); each test skips
// with a message naming what is missing, unless TIMELINE_E2E_REQUIRE is set,
// as .ci/run sets it, in which case a missing tool fails the test.
package e2e
