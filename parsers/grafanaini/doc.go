// Package grafanaini reads grafana.ini files and computes the settings a
// Grafana installation really runs with.
//
//   - Parse lexes a grafana.ini exactly as gopkg.in/ini.v1 does with the
//     options Grafana uses, keeping the position (line, column in code
//     points) of every section, key, raw value, effective value and cut-off
//     inline comment.
//   - Effective layers Grafana's defaults.ini, the custom file and GF_*
//     environment variables, then resolves %(name)s references, recording
//     where each value came from.
//   - ParseEnvFile reads KEY=VALUE env files (Compose .env / env_file).
//   - Default, KnownSection, KnownKeys, Sections and OpenSection answer
//     questions about Grafana's defaults.ini (the newest copy), embedded as
//     a generated table (defaults_table.go; see internal/gendefaults);
//     KeyAt, SectionAt, DefaultAt and EffectiveAt answer them for a Grafana
//     version, from copies of defaults.ini per release line
//     (defaults_versions_table.go, sources in
//     internal/gendefaults/sources.txt).
//
// The behaviour follows grafana/grafana pkg/setting/setting.go and
// expanders.go, and gopkg.in/ini.v1 v1.67; the tests replay Grafana's
// layering with ini.v1 itself and compare.
package grafanaini
