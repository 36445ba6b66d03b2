package srcmap

import (
	"reflect"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Remap rewrites, in everything reachable from v (a pointer, or a slice of
// pointers or problems), every model.Pos whose File is file: positions a
// parser reported in t.S become positions in t's source. A Pos held in a
// field named End is read as the end of a span. Pointer cycles (nginx
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
	w := walker{file: file, fn: fn, seen: map[uintptr]bool{}}
	w.visit(reflect.ValueOf(v), false)
}

// WalkPositions calls fn for every model.Pos reachable from v.
func WalkPositions(v any, fn func(p *model.Pos, end bool)) {
	w := walker{fn: fn, seen: map[uintptr]bool{}, all: true}
	w.visit(reflect.ValueOf(v), false)
}

type walker struct {
	file string
	all  bool
	fn   func(p *model.Pos, end bool)
	seen map[uintptr]bool
}

var posType = reflect.TypeFor[model.Pos]()

// holdsPos memoises whether values of a type can reach a model.Pos.
var holdsPos sync.Map // reflect.Type → bool

func canHold(t reflect.Type) bool {
	if v, ok := holdsPos.Load(t); ok {
		return v.(bool)
	}
	holdsPos.Store(t, true) // recursive types: assume yes while computing
	r := computeHold(t)
	holdsPos.Store(t, r)
	return r
}

func computeHold(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Struct:
		if t == posType {
			return true
		}
		for i := range t.NumField() {
			if t.Field(i).IsExported() && canHold(t.Field(i).Type) {
				return true
			}
		}
		return false
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return canHold(t.Elem())
	case reflect.Map:
		return canHold(t.Key()) || canHold(t.Elem())
	case reflect.Interface:
		return true
	}
	return false
}

func (w *walker) visit(v reflect.Value, end bool) {
	if !v.IsValid() || !canHold(v.Type()) {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if w.seen[v.Pointer()] {
			return
		}
		w.seen[v.Pointer()] = true
		w.visit(v.Elem(), false)
	case reflect.Interface:
		if !v.IsNil() {
			e := v.Elem()
			if e.Kind() == reflect.Pointer {
				w.visit(e, false)
			}
		}
	case reflect.Struct:
		if v.Type() == posType {
			if v.CanAddr() {
				p := v.Addr().Interface().(*model.Pos)
				if w.all || p.File == w.file {
					w.fn(p, end)
				}
			}
			return
		}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			w.visit(v.Field(i), f.Name == "End")
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
