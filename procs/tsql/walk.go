package tsql

import "reflect"

var nodeIface = reflect.TypeOf((*Node)(nil)).Elem()

// Walk calls f for n and for every node below it, depth first, in the order
// the fields are declared (which is source order within a node). When f
// returns false the node's children are skipped. n may be a Node or a
// *Batch.
func Walk(n any, f func(Node) bool) {
	walk(reflect.ValueOf(n), f)
}

func walk(v reflect.Value, f func(Node) bool) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			walk(v.Elem(), f)
		}
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Type().Implements(nodeIface) && !f(v.Interface().(Node)) {
			return
		}
		walk(v.Elem(), f)
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			if ft := t.Field(i); ft.IsExported() && !ft.Anonymous {
				walk(v.Field(i), f)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walk(v.Index(i), f)
		}
	}
}
