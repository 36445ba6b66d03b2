package query

import (
	"strings"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// metricsQLFunctions are functions of VictoriaMetrics' MetricsQL that
// PromQL does not have (VictoriaMetrics docs, "MetricsQL" functions list).
// VictoriaMetrics is queried through Grafana's Prometheus datasource, so a
// "prometheus" query may be MetricsQL: a dashboard that calls one of these
// is written for VictoriaMetrics and its queries are not judged as PromQL.
var metricsQLFunctions = sync.OnceValue(func() []string {
	return strings.Fields(`prometheus_buckets buckets_limit histogram_over_time
	rollup rollup_rate rollup_deriv rollup_increase rollup_delta rollup_candlestick rollup_scrape_interval
	range_first range_last range_avg range_max range_min range_sum range_median range_quantile
	range_stddev range_stdvar range_zscore range_mad range_normalize range_linear_regression range_trim_outliers
	range_trim_spikes range_trim_zscore running_sum running_avg running_max running_min
	keep_last_value keep_next_value interpolate remove_resets default_rollup increase_pure
	increase_prometheus rate_over_sum count_values_over_time distinct_over_time median_over_time
	mode_over_time share_gt_over_time share_le_over_time share_eq_over_time sum2_over_time geomean_over_time
	tmin_over_time tmax_over_time tfirst_over_time tlast_over_time lag lifetime scrape_interval
	ascent_over_time descent_over_time zscore_over_time integrate ideriv hoeffding_bound_lower
	hoeffding_bound_upper label_set label_del label_keep label_copy label_move label_transform
	label_value label_map label_match label_mismatch label_uppercase label_lowercase
	label_graphite_group alias union limit_offset topk_max topk_avg topk_min topk_last topk_median
	bottomk_max bottomk_avg bottomk_min bottomk_last bottomk_median outliersk outliers_mad outliers_iqr
	any distinct mode zscore share sum2 geomean count_eq count_gt count_le count_ne mad
	smooth_exponential ru ttf rand rand_normal rand_exponential bitmap_and bitmap_or bitmap_xor
	histogram_share histogram_quantiles drop_common_labels running_count`)
})

var metricsQLNames = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, f := range metricsQLFunctions() {
		m[f] = true
	}
	return m
})

// metricsQLShapes holds a bit per (length, first byte, last byte) of a
// name of metricsQLFunctions (each modulo a power of two): a word whose
// bit is clear is no such name, which spares most words a lookup in
// metricsQLNames.
var metricsQLShapes = sync.OnceValue(func() *[1 << 11]uint64 {
	var bits [1 << 11]uint64
	for _, f := range metricsQLFunctions() {
		i := wordShape(f)
		bits[i/64] |= 1 << (i % 64)
	}
	return &bits
})

// wordShape is the index of word w's bit in metricsQLShapes.
func wordShape(w string) uint {
	return uint(len(w)&31)<<12 | uint(w[0]&63)<<6 | uint(w[len(w)-1]&63)
}

// callsMetricsQL reports whether s calls a MetricsQL-only function: a
// name of metricsQLFunctions (a whole run of word characters, not after
// "$") followed by "(", white space between allowed. It looks only before
// each "(".
func callsMetricsQL(s string) bool {
	shapes := metricsQLShapes()
	for k := 0; ; k++ {
		i := strings.IndexByte(s[k:], '(')
		if i < 0 {
			return false
		}
		k += i
		j := k
		for j > 0 && (s[j-1] == ' ' || s[j-1] == '\t' || s[j-1] == '\n' || s[j-1] == '\r') {
			j--
		}
		w := j
		for w > 0 && isWordByte(s[w-1]) {
			w--
		}
		if w == j {
			continue
		}
		if b := wordShape(s[w:j]); shapes[b/64]&(1<<(b%64)) != 0 && metricsQLNames()[s[w:j]] && (w == 0 || s[w-1] != '$') {
			return true
		}
	}
}

// isMetricsQL reports whether d's Prometheus queries are written for
// VictoriaMetrics: one of them calls a MetricsQL-only function.
func isMetricsQL(d *model.Dashboard, ix *Index) bool {
	return writtenInMetricsQL(d, ix, targets(d, ix))
}

// callMetricsQL reports whether a Prometheus target of ts calls a
// MetricsQL-only function.
func callMetricsQL(ts []target) bool {
	for _, t := range ts {
		if t.typ == TypePrometheus && callsMetricsQL(t.query.Expr.V) {
			return true
		}
	}
	return false
}
