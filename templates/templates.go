// Package templates holds the site's HTML templates, stylesheet and script,
// embedded in the binary so a build needs no files beside the content and
// the published site fetches nothing from another origin.
package templates

import "embed"

// FS holds every template (*.html), the stylesheet (site.css) and the script (site.js).
//
//go:embed *.html *.css *.js
var FS embed.FS
