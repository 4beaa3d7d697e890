package site

import "sync"

// progress serialises and thins out Progress callbacks from worker goroutines.
type progress struct {
	mu    sync.Mutex
	fn    func(Progress)
	stage string
	total int
	done  int
	every int
}

func newProgress(fn func(Progress), stage string, total int) *progress {
	p := &progress{fn: fn, stage: stage, total: total, every: max(1, total/200)}
	if fn != nil {
		fn(Progress{Stage: stage, Total: total})
	}
	return p
}

func (p *progress) step() {
	if p.fn == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if p.done%p.every == 0 || p.done == p.total {
		p.fn(Progress{Stage: p.stage, Done: p.done, Total: p.total})
	}
}
