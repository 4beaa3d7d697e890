// Package cputime reads the process's CPU time. Benchmarks and the build's stage
// timings report it beside the wall clock: on a shared, loaded machine the wall
// clock mostly measures the other tenants.
package cputime
