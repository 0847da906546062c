package proc

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// testConv converts strings to int and bit the way the binder needs for
// these tests; the real converter is sqltype's.
func testConv(v sqltype.Value, to sqltype.Type) (sqltype.Value, error) {
	switch {
	case to.Kind == sqltype.Bit && v.Kind().IsString():
		switch strings.ToLower(v.Str()) {
		case "true", "1":
			return sqltype.NewBit(true), nil
		case "false", "0":
			return sqltype.NewBit(false), nil
		}
	case to.Kind.IsInteger() && v.Kind().IsString():
		n, err := strconv.ParseInt(v.Str(), 10, 64)
		if err == nil {
			return sqltype.NewIntOf(to.Kind, n), nil
		}
	case to.Kind.IsInteger() && v.Kind().IsInteger():
		return sqltype.NewIntOf(to.Kind, v.Int64()), nil
	case to.Kind.IsString() && v.Kind().IsString():
		return sqltype.NewString(to, v.Str()), nil
	}
	return sqltype.Value{}, sqlerr.New(245, 16, 1, "no")
}

var createExecution = &Def{
	Database: "SSISDB", Schema: "catalog", Name: "create_execution",
	Params: []Param{
		{Name: "@folder_name", Type: sqltype.NVarCharN(128)},
		{Name: "@project_name", Type: sqltype.NVarCharN(128)},
		{Name: "@package_name", Type: sqltype.NVarCharN(260)},
		{Name: "@reference_id", Type: sqltype.TBigInt, HasDefault: true, Default: sqltype.Null(sqltype.TBigInt)},
		{Name: "@use32bitruntime", Type: sqltype.TBit, HasDefault: true, Default: sqltype.NewBit(false)},
		{Name: "@runinscaleout", Type: sqltype.TBit, HasDefault: true, Default: sqltype.Null(sqltype.TBit)},
		{Name: "@useanyworker", Type: sqltype.TBit, HasDefault: true, Default: sqltype.NewBit(true)},
		{Name: "@execution_id", Type: sqltype.TBigInt, Output: true},
	},
}

var noParams = &Def{Schema: "dbo", Name: "p0"}

func nv(s string) sqltype.Value { return sqltype.NewNVarChar(s) }

func TestBindErrors(t *testing.T) {
	tests := []struct {
		name string
		def  *Def
		args []Arg
		num  int32
		text string
	}{
		{"no params", noParams, []Arg{{Value: sqltype.NewInt(1)}},
			8146, "Procedure p0 has no parameters and arguments were supplied."},
		{"too many", createExecution, []Arg{{Value: nv("a")}, {Value: nv("b")}, {Value: nv("c")}, {}, {}, {}, {}, {Output: true}, {Value: nv("x")}},
			8144, "Procedure or function create_execution has too many arguments specified."},
		{"not a parameter", createExecution, []Arg{{Name: "@runincluster2", Value: nv("1")}},
			8145, "@runincluster2 is not a parameter for procedure create_execution."},
		{"twice", createExecution, []Arg{{Value: nv("f")}, {Name: "@FOLDER_NAME", Value: nv("g")}},
			8143, "Parameter '@folder_name' was supplied multiple times."},
		{"output on input", createExecution, []Arg{{Name: "@folder_name", Value: nv("f"), Output: true}},
			8162, `The formal parameter "@folder_name" was not declared as an OUTPUT parameter, but the actual parameter passed in requested output.`},
		{"missing", createExecution, []Arg{{Value: nv("f")}, {Value: nv("p")}, {Name: "@execution_id", Output: true}},
			201, "Procedure or function 'create_execution' expects parameter '@package_name', which was not supplied."},
		{"conversion", createExecution, []Arg{{Name: "@use32bitruntime", Value: nv("maybe")}},
			8114, "Error converting data type nvarchar to bit."},
		// An old positional call puts the OUTPUT variable on @runinscaleout.
		{"2016 positional", createExecution, []Arg{{Value: nv("f")}, {Value: nv("p")}, {Value: nv("k.dtsx")}, {}, {Value: sqltype.NewInt(0)}, {Output: true}},
			8162, `The formal parameter "@runinscaleout" was not declared as an OUTPUT parameter, but the actual parameter passed in requested output.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Bind(tt.def, tt.args, testConv)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Number != tt.num || err.Message != tt.text {
				t.Fatalf("got %d %q, want %d %q", err.Number, err.Message, tt.num, tt.text)
			}
			if err.Procedure != tt.def.QualifiedName() || err.Line != 0 {
				t.Fatalf("procedure %q line %d", err.Procedure, err.Line)
			}
		})
	}
}

func TestBindDocExample(t *testing.T) {
	// The Scale Out doc's call: named arguments in any order, bare words as
	// bit values, NULL, OUTPUT.
	args := []Arg{
		{Name: "@package_name", Value: nv("package1.dtsx")},
		{Name: "@execution_id", Value: sqltype.Null(sqltype.TBigInt), Output: true},
		{Name: "@folder_name", Value: nv("folder1")},
		{Name: "@project_name", Value: nv("project1")},
		{Name: "@use32bitruntime", Value: nv("False")},
		{Name: "@reference_id", Value: sqltype.Value{}},
		{Name: "@useanyworker", Value: nv("False")},
		{Name: "@RunInScaleOut", Value: nv("True")},
	}
	b, err := Bind(createExecution, args, testConv)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`nvarchar(128)("folder1")`, "", "", "NULL(bigint)", "bit(0)", "bit(1)", "bit(0)", "NULL(bigint)"}
	for i, w := range want {
		if w == "" {
			continue
		}
		if got := b.Values[i].GoString(); got != w {
			t.Errorf("param %d = %s, want %s", i, got, w)
		}
	}
	if b.OutArg[7] != 1 {
		t.Errorf("OutArg = %v", b.OutArg)
	}
	if !b.Supplied[0] || !b.Supplied[3] || b.Values[2].Type() != sqltype.NVarCharN(260) {
		t.Errorf("supplied %v, package type %s", b.Supplied, b.Values[2].Type())
	}
}

func TestBindDefaults(t *testing.T) {
	b, err := Bind(createExecution, []Arg{{Value: nv("f")}, {Value: nv("p")}, {Value: nv("k")}, {Default: true}, {Default: true}, {Name: "@execution_id", Output: true}}, testConv)
	if err != nil {
		t.Fatal(err)
	}
	if b.Values[6].GoString() != "bit(1)" || b.Supplied[3] || !b.Values[3].IsNull() {
		t.Fatalf("defaults: %#v", b.Values)
	}
	// A proc with no parameters called with none binds.
	if _, err := Bind(noParams, nil, testConv); err != nil {
		t.Fatal(err)
	}
}

func TestBindVarArgs(t *testing.T) {
	d := &Def{Schema: "sys", Name: "sp_executesql", VarArgs: true, Params: []Param{
		{Name: "@stmt", Type: sqltype.NVarCharN(sqltype.Max)},
		{Name: "@params", Type: sqltype.NVarCharN(sqltype.Max), HasDefault: true, Default: sqltype.Null(sqltype.NVarCharN(sqltype.Max))},
	}}
	b, err := Bind(d, []Arg{{Value: nv("select @a")}, {Value: nv("@a int")}, {Name: "@a", Value: sqltype.NewInt(1)}, {Value: sqltype.NewInt(2)}}, testConv)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Extra) != 2 || b.Extra[0].Name != "@a" {
		t.Fatalf("extra = %+v", b.Extra)
	}
}
