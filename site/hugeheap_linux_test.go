package site

import (
	"syscall"
	"testing"
	"time"

	"github.com/newsline/timeline/internal/cputime"
)

// BenchmarkFreshMemory prints the CPU time of touching memory for the first
// time, per MiB, in 4 KiB pages and in huge pages (MADV_HUGEPAGE): the cost
// prepareHugeHeap exists to cut. Each iteration maps, touches and unmaps 256 MiB.
// Later iterations reuse memory the first one made the machine back, so
// -benchtime 1x shows the cost on memory new to a virtual machine, and more
// iterations the cost of the faults alone.
//
//	go test -run '^$' -bench FreshMemory -benchtime 4x ./site
func BenchmarkFreshMemory(b *testing.B) {
	for _, bc := range []struct {
		name string
		huge bool
	}{{"4KiB", false}, {"huge", true}} {
		b.Run(bc.name, func(b *testing.B) {
			const size = 256 << 20
			var cpu time.Duration
			for i := 0; i < b.N; i++ {
				mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
				if err != nil {
					b.Fatal(err)
				}
				if bc.huge && adviseHugePages(mem) == 0 {
					b.Skip("huge pages are not offered on request here")
				}
				c0, _ := cputime.Process()
				for j := 0; j < len(mem); j += 4096 {
					mem[j] = 1
				}
				c1, _ := cputime.Process()
				cpu += c1 - c0
				if err := syscall.Munmap(mem); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(cpu.Seconds()*1000/float64(b.N)/(size>>20), "cpu-ms/MiB")
		})
	}
}
