package rules

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// stackJob is the check of one stack, split so that goroutines can share
// it: n dashboard checks (each, for k in [0, n), each independent of the
// others), then finish, the check of the stack itself, once all n are
// done.
type stackJob struct {
	n      int
	each   func(k int)
	finish func()
}

// checkStacks runs the job of every stack (prepare makes stack i's) on
// GOMAXPROCS goroutines. Work is handed out in order, stack after stack
// and each stack's dashboards one by one, so a goroutine done with its
// part of a stack takes the next stack's dashboards instead of waiting
// for its stack's largest dashboard; a stack's finish runs on the
// goroutine that completed its last dashboard. A job is prepared when its
// first work is handed out, so only a few stacks are in progress at any
// time, whatever their number.
//
// When a dashboard belongs to two stacks (each stack's check fills it in
// and strips it), stacks are checked one after another, the dashboards of
// each on the pool.
func checkStacks(stacks []*model.Stack, prepare func(i int) stackJob) {
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || len(stacks) < 2 || sharesDashboards(stacks) {
		for i := range stacks {
			job := prepare(i)
			Parallel(job.n, job.each)
			job.finish()
		}
		return
	}
	type started struct {
		job  stackJob
		left atomic.Int64 // dashboards not yet checked
	}
	var (
		mu   sync.Mutex
		next int      // the next stack to prepare
		cur  *started // the stack whose dashboards are being handed out
		k    int      // cur's next dashboard
	)
	// take hands out the next work: a dashboard of st (k >= 0), or the
	// finish of a stack with no dashboard (k < 0); ok is false when none
	// is left.
	take := func() (st *started, dashboard int, ok bool) {
		mu.Lock()
		defer mu.Unlock()
		for {
			if cur != nil && k < cur.job.n {
				k++
				return cur, k - 1, true
			}
			if next == len(stacks) {
				return nil, 0, false
			}
			cur, k = &started{job: prepare(next)}, 0
			next++
			cur.left.Store(int64(cur.job.n))
			if cur.job.n == 0 {
				return cur, -1, true
			}
		}
	}
	var wg sync.WaitGroup
	for range min(workers, len(stacks)+1) {
		wg.Go(func() {
			for {
				st, d, ok := take()
				if !ok {
					return
				}
				if d >= 0 {
					st.job.each(d)
					if st.left.Add(-1) > 0 {
						continue
					}
				}
				st.job.finish()
			}
		})
	}
	wg.Wait()
}

// Parallel calls each(i) for every i in [0, n) on up to GOMAXPROCS
// goroutines, taking the indexes in order, and returns when all calls
// have returned; with one goroutine (or n < 2) it calls them in order on
// the caller's. each must be safe to call concurrently for distinct i.
func Parallel(n int, each func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			each(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				each(i)
			}
		})
	}
	wg.Wait()
}

// sharesDashboards reports whether a dashboard belongs to two of stacks.
func sharesDashboards(stacks []*model.Stack) bool {
	held := map[*model.Dashboard]bool{}
	for _, s := range stacks {
		for _, d := range s.AllDashboards() {
			if held[d] {
				return true
			}
			held[d] = true
		}
	}
	return false
}
