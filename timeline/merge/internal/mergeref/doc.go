// Package mergeref is a frozen copy of package merge as of session 2
// (commit dfbea33), used only by merge's tests: every speed-up of merge must
// give the same Timeline as this reference (see merge's equiv_test.go). Its
// only edits are the package name and smaller scratch chunks (which do not
// change its output). Do not change it; delete it once merge's behaviour is
// meant to change.
package mergeref
