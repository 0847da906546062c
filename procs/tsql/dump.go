package tsql

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Dump renders a node (or a *Batch) as an indented tree: each node's type
// and position, then its non-zero fields. It is for tests and debugging;
// the format may change.
func Dump(n any) string {
	var b strings.Builder
	d := dumper{b: &b}
	d.value(reflect.ValueOf(n), 0)
	return b.String()
}

type dumper struct{ b *strings.Builder }

var (
	posType      = reflect.TypeOf(Pos{})
	baseType     = reflect.TypeOf(Base{})
	stmtBaseType = reflect.TypeOf(StmtBase{})
	litKindType  = reflect.TypeOf(LitNull)
)

func (d dumper) indent(n int) {
	for i := 0; i < n; i++ {
		d.b.WriteString("  ")
	}
}

// value writes v, whose first line continues the current line.
func (d dumper) value(v reflect.Value, depth int) {
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			d.b.WriteString("nil\n")
			return
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		d.node(v, depth)
	case reflect.Slice:
		d.b.WriteString("\n")
		for i := 0; i < v.Len(); i++ {
			d.indent(depth + 1)
			d.b.WriteString("- ")
			d.value(v.Index(i), depth+2)
		}
	case reflect.String:
		d.b.WriteString(strconv.Quote(v.String()) + "\n")
	default:
		if s, ok := v.Interface().(fmt.Stringer); ok {
			d.b.WriteString(s.String() + "\n")
			return
		}
		fmt.Fprintf(d.b, "%v\n", v.Interface())
	}
}

func (d dumper) node(v reflect.Value, depth int) {
	t := v.Type()
	d.b.WriteString(t.Name())
	var pos Pos
	havePos := false
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		switch f.Type {
		case baseType:
			pos, havePos = v.Field(i).Interface().(Base).Pos, true
		case stmtBaseType:
			sb := v.Field(i).Interface().(StmtBase)
			pos, havePos = sb.Pos, true
		case posType:
			if f.Name == "Pos" {
				pos, havePos = v.Field(i).Interface().(Pos), true
			}
		}
	}
	if havePos {
		fmt.Fprintf(d.b, " @%d:%d", pos.Line, pos.Col)
	}
	d.b.WriteString("\n")
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		fv := v.Field(i)
		if f.Type == baseType || f.Type == stmtBaseType || !f.IsExported() || fv.IsZero() && f.Type != litKindType {
			continue
		}
		if f.Type == posType {
			if f.Name == "Pos" {
				continue
			}
			p := fv.Interface().(Pos)
			d.indent(depth + 1)
			fmt.Fprintf(d.b, "%s: @%d:%d\n", f.Name, p.Line, p.Col)
			continue
		}
		if fv.Kind() == reflect.Slice && fv.Len() == 0 {
			continue
		}
		d.indent(depth + 1)
		d.b.WriteString(f.Name + ": ")
		d.value(fv, depth+1)
	}
}
