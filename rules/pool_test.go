package rules

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// TestCheckStacksFinishesEachStackAfterItsDashboards checks the shared
// pool: every dashboard check runs once, a stack's finish runs once and
// only after all its dashboard checks, stacks without dashboards are
// finished too, and every stack is prepared once.
func TestCheckStacksFinishesEachStackAfterItsDashboards(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for _, shared := range []bool{false, true} {
		t.Run(fmt.Sprintf("shared=%v", shared), func(t *testing.T) {
			sizes := []int{3, 0, 1, 7, 0, 0, 2, 5, 1, 0}
			stacks := make([]*model.Stack, len(sizes))
			for i := range stacks {
				stacks[i] = &model.Stack{Name: fmt.Sprint("s", i)}
				for range sizes[i] {
					stacks[i].Dashboards = append(stacks[i].Dashboards, &model.Dashboard{})
				}
			}
			if shared {
				stacks[3].Dashboards = append(stacks[3].Dashboards, stacks[0].Dashboards[0])
				sizes[3]++
			}
			var mu sync.Mutex
			prepared := map[int]int{}
			checked := make([][]int, len(sizes))
			finished := map[int]int{}
			var early atomic.Int64
			checkStacks(stacks, func(i int) stackJob {
				mu.Lock()
				prepared[i]++
				checked[i] = make([]int, sizes[i])
				mu.Unlock()
				return stackJob{
					n: sizes[i],
					each: func(k int) {
						mu.Lock()
						defer mu.Unlock()
						if finished[i] > 0 {
							early.Add(1)
						}
						checked[i][k]++
					},
					finish: func() {
						mu.Lock()
						defer mu.Unlock()
						for _, n := range checked[i] {
							if n != 1 {
								early.Add(1)
							}
						}
						finished[i]++
					},
				}
			})
			want := map[int]int{}
			for i := range sizes {
				want[i] = 1
			}
			if diff := cmp.Diff(want, prepared); diff != "" {
				t.Errorf("prepared (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, finished); diff != "" {
				t.Errorf("finished (-want +got):\n%s", diff)
			}
			if n := early.Load(); n != 0 {
				t.Errorf("%d dashboard checks ran twice, never or after their stack's finish", n)
			}
		})
	}
}

// TestParallelCallsEachIndexOnce: every index in [0, n) is passed once,
// for no, one and many indexes.
func TestParallelCallsEachIndexOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for _, n := range []int{0, 1, 2, 1000} {
		calls := make([]atomic.Int64, n)
		Parallel(n, func(i int) { calls[i].Add(1) })
		for i := range calls {
			if got := calls[i].Load(); got != 1 {
				t.Errorf("n=%d: index %d was passed %d times", n, i, got)
			}
		}
	}
}
