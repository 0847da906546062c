// Package proc describes procedures as data and binds arguments to them.
//
// Every procedure the engine can run -- the SSISDB catalog procedures, the
// system procedures (sp_executesql, sp_addrolemember, sp_datatype_info_100,
// ...), the emulator's control procedures and the procedures users create
// with CREATE PROCEDURE -- is a Def: a name, a parameter list and a body.
// Bind matches the caller's arguments to the parameters once, centrally, with
// SQL Server's rules and error numbers (201, 8143, 8144, 8145, 8146, 8162,
// 8114), so no body ever sees an argument it did not declare.
package proc

import (
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// Param is one formal parameter.
type Param struct {
	Name string // with the leading '@'
	Type sqltype.Type
	// HasDefault marks an optional parameter; Default is its value (a NULL
	// default is a typed NULL).
	HasDefault bool
	Default    sqltype.Value
	Output     bool
	ReadOnly   bool
	// Aliases are other names the parameter answers to (create_execution's
	// pre-2017 @runincluster for @runinscaleout).
	Aliases []string
}

// Def describes a procedure. Body is left to the caller's taste (a Go
// function for built-in procedures, compiled T-SQL for user procedures); the
// binder only needs the parameters.
type Def struct {
	Database string // e.g. "SSISDB"; "" for a system procedure found from any database
	Schema   string // e.g. "catalog", "dbo", "sys"
	Name     string // e.g. "create_execution"
	Params   []Param
	// VarArgs accepts extra positional and named arguments beyond Params
	// (sp_executesql's statement parameters); they come back in
	// Bound.Extra.
	VarArgs bool
	Body    any
}

// QualifiedName is schema.name, the form SQL Server 2017+ puts in the error
// token's procedure field and ERROR_PROCEDURE().
func (d *Def) QualifiedName() string {
	if d.Schema == "" {
		return d.Name
	}
	return d.Schema + "." + d.Name
}

// Param returns the index of the parameter named name (case-insensitive,
// with or without '@'), or -1.
func (d *Def) Param(name string) int {
	if !strings.HasPrefix(name, "@") {
		name = "@" + name
	}
	for i := range d.Params {
		if strings.EqualFold(d.Params[i].Name, name) {
			return i
		}
		for _, a := range d.Params[i].Aliases {
			if strings.EqualFold(a, name) {
				return i
			}
		}
	}
	return -1
}

// Arg is one actual argument of a call.
type Arg struct {
	Name    string // with '@'; "" for a positional argument
	Value   sqltype.Value
	Default bool // the DEFAULT keyword (or the RPC default flag)
	Output  bool // the caller asked for OUTPUT
}

// Bound is the result of binding: one value per parameter, converted to
// the parameter's type, and for each parameter the index of the argument
// that receives its OUTPUT value (-1 when the caller did not ask for it).
type Bound struct {
	Values []sqltype.Value
	OutArg []int
	// Extra holds, for VarArgs procedures, the arguments beyond Params in
	// call order, unconverted; ExtraArg their indexes in the call.
	Extra    []Arg
	ExtraArg []int
	// Supplied reports which parameters got an argument (DEFAULT counts as
	// not supplied).
	Supplied []bool
}

// Converter converts a value to a parameter's type the way an EXEC argument
// converts implicitly. A failure should be an *sqlerr.Error; Bind turns any
// failure into Msg 8114.
type Converter func(v sqltype.Value, to sqltype.Type) (sqltype.Value, error)

// Bind matches args to d's parameters. Errors carry the callee as procedure
// and line 0, as SQL Server reports binding errors.
func Bind(d *Def, args []Arg, conv Converter) (*Bound, *sqlerr.Error) {
	fail := func(e *sqlerr.Error) (*Bound, *sqlerr.Error) {
		return nil, e.WithProc(d.QualifiedName(), 0)
	}
	if len(d.Params) == 0 && len(args) > 0 && !d.VarArgs {
		return fail(sqlerr.New(8146, 16, 1, "Procedure %s has no parameters and arguments were supplied.", d.Name))
	}
	n := len(d.Params)
	b := &Bound{
		Values:   make([]sqltype.Value, n),
		OutArg:   make([]int, n),
		Supplied: make([]bool, n),
	}
	set := make([]bool, n)
	for i := range b.OutArg {
		b.OutArg[i] = -1
	}
	pos := 0
	for ai := range args {
		a := &args[ai]
		var pi int
		if a.Name == "" {
			if pos >= n {
				if d.VarArgs {
					b.Extra = append(b.Extra, *a)
					b.ExtraArg = append(b.ExtraArg, ai)
					pos++
					continue
				}
				return fail(sqlerr.New(8144, 16, 2, "Procedure or function %s has too many arguments specified.", d.Name))
			}
			pi = pos
			pos++
		} else {
			pi = d.Param(a.Name)
			if pi < 0 {
				if d.VarArgs {
					b.Extra = append(b.Extra, *a)
					b.ExtraArg = append(b.ExtraArg, ai)
					continue
				}
				return fail(sqlerr.New(8145, 16, 1, "%s is not a parameter for procedure %s.", a.Name, d.Name))
			}
			if set[pi] {
				return fail(sqlerr.New(8143, 16, 1, "Parameter '%s' was supplied multiple times.", d.Params[pi].Name))
			}
		}
		p := &d.Params[pi]
		set[pi] = true
		if a.Output {
			if !p.Output {
				return fail(sqlerr.New(8162, 16, 2, "The formal parameter \"%s\" was not declared as an OUTPUT parameter, but the actual parameter passed in requested output.", p.Name))
			}
			b.OutArg[pi] = ai
		}
		if a.Default {
			continue
		}
		v, err := convertArg(a.Value, p.Type, conv)
		if err != nil {
			return fail(err)
		}
		b.Values[pi] = v
		b.Supplied[pi] = true
	}
	for i := range d.Params {
		if b.Supplied[i] {
			continue
		}
		p := &d.Params[i]
		if p.HasDefault {
			b.Values[i] = p.Default
			continue
		}
		if set[i] && p.Output {
			// OUTPUT with DEFAULT on a parameter without one: a NULL goes in.
			b.Values[i] = sqltype.Null(p.Type)
			continue
		}
		return fail(sqlerr.New(201, 16, 4, "Procedure or function '%s' expects parameter '%s', which was not supplied.", d.Name, p.Name))
	}
	return b, nil
}

func convertArg(v sqltype.Value, to sqltype.Type, conv Converter) (sqltype.Value, *sqlerr.Error) {
	if v.IsNull() {
		return sqltype.Null(to), nil
	}
	if to.Kind == sqltype.SQLVariant {
		return v, nil // a variant keeps its base value
	}
	if sameType(v.Type(), to) {
		return v, nil
	}
	out, err := conv(v, to)
	if err != nil {
		// A pair that never converts implicitly keeps its own error (206
		// operand type clash, 257); a value that does not convert is 8114.
		if se, ok := sqlerr.As(err); ok && (se.Number == 206 || se.Number == 257) {
			return sqltype.Value{}, se
		}
		e := sqltype.ConvertingTypeError(v.Kind(), to.Kind)
		if to.Kind.IsInteger() && v.Kind().IsNumeric() {
			e.State = 5
		}
		return sqltype.Value{}, e
	}
	return out, nil
}

func sameType(a, b sqltype.Type) bool { return a == b }
