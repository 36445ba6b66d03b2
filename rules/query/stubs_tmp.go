package query

import "github.com/grafanalint/grafanalint/rules"

var LogQLSyntax, VariableSyntax, PanelNoTargets, MissingSourcePanel,
	DatasourceVariable, JobVariable, InstanceVariable, VariableRefresh, PanelDatasource,
	PanelTitleDescription, PanelUnits, RateInterval, JobMatcher, InstanceMatcher,
	CounterAggregation, LogQLAuto, Editable *rules.Rule
