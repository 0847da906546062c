package catalog

import (
	"context"
	"slices"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// ParameterValueColumns are the columns of get_parameter_values' result
// set (the procedure's table variable: all nullable).
var ParameterValueColumns = cols("parameter_id bigint", "object_type smallint", "parameter_data_type nvarchar(128)",
	"parameter_name nvarchar(128)", "parameter_value sql_variant", "sensitive bit", "required bit", "value_set bit")

// GetParameterValues is catalog.get_parameter_values: the values a run of
// the package would get, in the 2017 procedure's order. With a reference,
// the parameters bound to a variable of another type come first, with a
// NULL value and a 27148 warning each (severity 10, returned in warnings);
// then the literal ('V') values, the bound values the environment
// provides, and the bound parameters left without one (NULL). Sensitive
// values are NULL, as the real procedure reads them from default_value.
func (c *Catalog) GetParameterValues(ctx context.Context, caller *Caller, folderName, projectName, packageName *string, referenceID *int64) (out []rows.Row, warnings []*sqlerr.Error, err error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s := c.st
	sc := s.resolve(caller)
	if e := needAccess(sc); e != nil {
		return nil, nil, e
	}
	if folderName == nil || projectName == nil || packageName == nil {
		return nil, nil, errorf(27138, 1)
	}
	p := s.visibleProject(sc, *folderName, *projectName)
	if p == nil || p.packageByName(*packageName) == nil {
		return nil, nil, thrown(errorf(27146, 1))
	}
	var env *Environment
	if referenceID != nil {
		r := s.References[*referenceID]
		if r == nil || r.ProjectID != p.ID {
			return nil, nil, thrown(errorf(27208, 1, *referenceID))
		}
		folder := r.FolderName
		if r.Type == 'R' {
			if f := s.Folders[p.FolderID]; f != nil {
				folder = f.Name
			}
		}
		if f := s.folderByName(folder); f != nil {
			env = s.environmentByName(f.ID, r.EnvironmentName)
		}
		if env == nil || !s.check(sc, ObjEnvironment, env.ID, PermRead) {
			return nil, nil, thrown(errorf(27182, 1, r.EnvironmentName))
		}
	}
	inScope := func(q *ObjectParameter) bool {
		return q.ObjectType == 20 || q.ObjectType == 30 && strings.EqualFold(q.ObjectName, *packageName)
	}
	variant := sqltype.Null(sqltype.TSQLVariant)
	row := func(q *ObjectParameter, v sqltype.Value, sensitive bool) rows.Row {
		if sensitive || v.IsNull() || v.Kind() == sqltype.Unknown {
			v = variant
		}
		return rows.Row{sqltype.NewBigInt(q.ID), sqltype.NewSmallInt(int64(q.ObjectType)), sqltype.NewNVarChar(q.DataType),
			sqltype.NewNVarChar(q.Name), v, sqltype.NewBit(q.Sensitive), sqltype.NewBit(q.Required), sqltype.NewBit(q.ValueSet)}
	}
	var done []*ObjectParameter
	add := func(q *ObjectParameter, v sqltype.Value, sensitive bool) {
		out = append(out, row(q, v, sensitive))
		done = append(done, q)
	}
	bound := func(q *ObjectParameter) *EnvironmentVariable {
		if env == nil || q.ValueType != 'R' {
			return nil
		}
		return env.variable(q.ReferencedVar)
	}
	for _, q := range p.Params {
		if v := bound(q); inScope(q) && v != nil && v.Type != q.DataType {
			add(q, variant, false)
			w := errorf(27148, 1)
			w.Severity = 10 // RAISERROR(27148, 10, 1): a warning
			warnings = append(warnings, w)
		}
	}
	for _, q := range p.Params {
		if inScope(q) && q.ValueType == 'V' {
			add(q, q.Default, q.Sensitive)
		}
	}
	for _, q := range p.Params {
		if v := bound(q); inScope(q) && v != nil && v.Type == q.DataType {
			add(q, v.Value, v.Sensitive)
		}
	}
	// The bound parameters still missing, the package's then the
	// project's; "missing" compares object type and name, the name
	// case-sensitively, as the procedure's join does.
	missing := func(q *ObjectParameter) bool {
		return !slices.ContainsFunc(done, func(d *ObjectParameter) bool { return d.ObjectType == q.ObjectType && d.Name == q.Name })
	}
	var rest []*ObjectParameter
	for _, objType := range []int16{30, 20} {
		for _, q := range p.Params {
			if q.ObjectType == objType && q.ValueType == 'R' && inScope(q) && missing(q) {
				rest = append(rest, q)
			}
		}
		for _, q := range rest {
			add(q, variant, false)
		}
		rest = rest[:0]
	}
	return out, warnings, nil
}
