package ini

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// TestPlacedSettings: the settings the value rules walk are the ones a
// file or the environment sets, in the order a walk of every section and
// key by name gives.
func TestPlacedSettings(t *testing.T) {
	kinds := []model.SourceKind{model.SourceDefault, model.SourceFile, model.SourceEnv}
	s := &model.Settings{Sections: map[string]map[string]*model.Setting{}}
	for i, sec := range []string{"server", "", "auth.generic_oauth", "auth", "z", "a_b"} {
		s.Sections[sec] = map[string]*model.Setting{}
		for j, key := range []string{"root_url", "domain", "b", "a", "A", "a.b", "_"} {
			s.Sections[sec][key] = &model.Setting{Section: sec, Key: key, Source: model.Source{Kind: kinds[(i+j)%3]}}
		}
	}
	var want []string
	for _, sec := range sortedKeys(s.Sections) {
		for _, k := range sortedKeys(s.Sections[sec]) {
			if st := s.Sections[sec][k]; st.Source.Kind != model.SourceDefault {
				want = append(want, fmt.Sprintf("%s.%s", sec, k))
			}
		}
	}
	var got []string
	for _, st := range placed(s) {
		got = append(got, fmt.Sprintf("%s.%s", st.Section, st.Key))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("placed (-want +got):\n%s", diff)
	}
	if len(want) == 0 || placed(nil) != nil {
		t.Error("placed found nothing, or something in no settings")
	}
}
