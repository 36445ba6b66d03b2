package srcmap

import (
	"reflect"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Remap rewrites, in everything reachable from v (a pointer, or a slice of
// pointers or problems), every model.Pos whose File is file: positions a
// parser reported in t's text become positions in t's source. A Pos held
// in a field named End is read as the end of a span. Pointer cycles (nginx
// parents) are followed once.
func (t *Text) Remap(v any, file string) {
	t.Walk(v, file, func(p *model.Pos, end bool) {
		if end {
			*p = t.End(*p)
		} else {
			*p = t.Pos(*p)
		}
	})
}

// Walk calls fn for every model.Pos reachable from v whose File is file;
// end tells a span's end (a field named End) from a start.
func (t *Text) Walk(v any, file string, fn func(p *model.Pos, end bool)) {
	w := walker{file: file, fn: fn}
	w.visit(reflect.ValueOf(v), false)
}

// WalkPositions calls fn for every model.Pos reachable from v.
func WalkPositions(v any, fn func(p *model.Pos, end bool)) {
	w := walker{fn: fn, all: true}
	w.visit(reflect.ValueOf(v), false)
}

type walker struct {
	file string
	all  bool
	fn   func(p *model.Pos, end bool)
	seen map[uintptr]bool
}

var posType = reflect.TypeFor[model.Pos]()

// plan says how to walk values of one type, computed once per type.
type plan struct {
	holds bool // a model.Pos is reachable
	// cyclic is set for pointer types whose element can reach the same
	// type again (nginx directives and their parents): only those need a
	// visited set.
	cyclic bool
	fields []fieldPlan // structs: the fields that hold a Pos
}

type fieldPlan struct {
	index int
	end   bool // named End
}

var plans sync.Map // reflect.Type → *plan

func planOf(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := buildPlan(t, map[reflect.Type]bool{})
	plans.Store(t, p)
	return p
}

// holds reports whether values of t can reach a model.Pos; visiting
// tracks the types being computed (recursive types).
func holds(t reflect.Type, visiting map[reflect.Type]bool) bool {
	if p, ok := plans.Load(t); ok {
		return p.(*plan).holds
	}
	if visiting[t] {
		return true
	}
	visiting[t] = true
	defer delete(visiting, t)
	switch t.Kind() {
	case reflect.Struct:
		if t == posType {
			return true
		}
		for i := range t.NumField() {
			if t.Field(i).IsExported() && holds(t.Field(i).Type, visiting) {
				return true
			}
		}
		return false
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return holds(t.Elem(), visiting)
	case reflect.Map:
		return holds(t.Key(), visiting) || holds(t.Elem(), visiting)
	case reflect.Interface:
		return true
	}
	return false
}

// reaches reports whether values of from can reach a value of type to.
func reaches(from, to reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[from] {
		return false
	}
	seen[from] = true
	switch from.Kind() {
	case reflect.Struct:
		for i := range from.NumField() {
			f := from.Field(i)
			if f.IsExported() && (f.Type == to || reaches(f.Type, to, seen)) {
				return true
			}
		}
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return from.Elem() == to || reaches(from.Elem(), to, seen)
	case reflect.Map:
		return from.Key() == to || from.Elem() == to || reaches(from.Key(), to, seen) || reaches(from.Elem(), to, seen)
	case reflect.Interface:
		return true
	}
	return false
}

func buildPlan(t reflect.Type, visiting map[reflect.Type]bool) *plan {
	p := &plan{holds: holds(t, visiting)}
	switch t.Kind() {
	case reflect.Pointer:
		p.cyclic = reaches(t.Elem(), t, map[reflect.Type]bool{})
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if f.IsExported() && holds(f.Type, visiting) {
				p.fields = append(p.fields, fieldPlan{index: i, end: f.Name == "End"})
			}
		}
	}
	return p
}

func (w *walker) visit(v reflect.Value, end bool) {
	if !v.IsValid() {
		return
	}
	t := v.Type()
	if t == posType {
		if v.CanAddr() {
			p := v.Addr().Interface().(*model.Pos)
			if w.all || p.File == w.file {
				w.fn(p, end)
			}
		}
		return
	}
	pl := planOf(t)
	if !pl.holds {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if pl.cyclic {
			if w.seen == nil {
				w.seen = map[uintptr]bool{}
			}
			if w.seen[v.Pointer()] {
				return
			}
			w.seen[v.Pointer()] = true
		}
		w.visit(v.Elem(), false)
	case reflect.Interface:
		if !v.IsNil() {
			if e := v.Elem(); e.Kind() == reflect.Pointer {
				w.visit(e, false)
			}
		}
	case reflect.Struct:
		for _, f := range pl.fields {
			w.visit(v.Field(f.index), f.end)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			w.visit(v.Index(i), false)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k, e := iter.Key(), iter.Value()
			if k.Kind() == reflect.Pointer {
				w.visit(k, false)
			}
			switch e.Kind() {
			case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
				w.visit(e, false)
			case reflect.Struct:
				c := reflect.New(e.Type()).Elem()
				c.Set(e)
				w.visit(c, false)
				v.SetMapIndex(k, c)
			}
		}
	}
}
