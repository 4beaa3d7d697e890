package ingest

import (
	"errors"
	"fmt"
)

// Error is every error ingest reports: the file, the 1-based line when one is
// known (0 when the whole file is at fault), and the reason.
type Error struct {
	Path string
	Line int
	Err  error
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

// Unwrap lets errors.Is find the sentinel reasons below.
func (e *Error) Unwrap() error { return e.Err }

// Reasons callers (and tests) can test for with errors.Is.
var (
	ErrEmpty         = errors.New("empty file")
	ErrBinary        = errors.New("binary file (NUL byte)")
	ErrInvalidUTF8   = errors.New("invalid UTF-8")
	ErrTooLarge      = errors.New("file too large")
	ErrNoFrontMatter = errors.New("missing front matter")
	ErrFrontMatter   = errors.New("bad front matter")
	ErrNoDate        = errors.New("no publication date")
	ErrBadDate       = errors.New("unparseable date")
	ErrUnsafeSlug    = errors.New("unsafe slug")
	ErrDuplicateSlug = errors.New("duplicate slug")
	ErrSymlink       = errors.New("symlink points outside the content root")
	ErrFormat        = errors.New("unsupported file type")
)

// errorAt builds an *Error whose reason wraps the sentinel with a detail.
func errorAt(path string, line int, reason error, detail string, args ...any) *Error {
	if detail == "" {
		return &Error{Path: path, Line: line, Err: reason}
	}
	return &Error{Path: path, Line: line, Err: fmt.Errorf("%w: %s", reason, fmt.Sprintf(detail, args...))}
}
