package query

// The package's tests count the queries parsed (parses).
func init() { countParses = true }
