// Package provisioning parses Grafana's provisioning YAML: datasource files
// (<provisioning>/datasources/*.yaml) into model.DatasourceFile and
// dashboard provider files (<provisioning>/dashboards/*.yaml) into
// model.ProviderFile, with the position of every value, following the
// loading semantics of Grafana's pkg/services/provisioning (yaml.v3
// decoding, apiVersion 1 versus the legacy v0 format, interpolation,
// name-derived datasource UIDs).
//
// Positions are 1-based, columns in code points (a leading byte order mark
// is not counted, as yaml.v3 does not count it). A quoted value's position
// is its first character inside the quotes; a block scalar's (| or >) is
// its first content character; a collection's is its first key or item (its
// bracket for flow style), after any anchor or tag. Values reached through
// an alias (*a) or a merge key (<<: *a) carry the position of the anchored
// text, which is where a fix has to be made.
package provisioning
