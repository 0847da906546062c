package console

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// script writes the T-SQL equivalent of what the console did for one
// package, in the shape of the SSMS dialog's Script button, so that a person
// can copy it into a CI job. It is shown, never executed: the console calls
// the catalog's Go methods directly.
type script struct{ b strings.Builder }

func (s *script) String() string { return s.b.String() }

func (s *script) line(format string, args ...any) {
	fmt.Fprintf(&s.b, format, args...)
	s.b.WriteByte('\n')
}

// nstr is an N'...' literal.
func nstr(v string) string { return "N'" + strings.ReplaceAll(v, "'", "''") + "'" }

func sqlBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func (s *script) createExecution(folder, project, pkg string, ref *int64, use32, anyWorker bool) {
	refText := "NULL"
	if ref != nil {
		refText = strconv.FormatInt(*ref, 10)
	}
	s.line("DECLARE @execution_id bigint;")
	s.line("EXEC [SSISDB].[catalog].[create_execution] @package_name=%s, @execution_id=@execution_id OUTPUT, "+
		"@folder_name=%s, @project_name=%s, @use32bitruntime=%s, @reference_id=%s, @runinscaleout=True, @useanyworker=%s;",
		nstr(pkg), nstr(folder), nstr(project), sqlBool(use32), refText, sqlBool(anyWorker))
}

func (s *script) setParameter(p setParam) {
	s.line("EXEC [SSISDB].[catalog].[set_execution_parameter_value] @execution_id, @object_type=%d, @parameter_name=%s, @parameter_value=%s;",
		p.objectType, nstr(p.name), sqlLiteral(p.value, p.sensitive))
}

func (s *script) setOverride(path, value string) {
	s.line("EXEC [SSISDB].[catalog].[set_execution_property_override_value] @execution_id, @property_path=%s, @property_value=%s, @sensitive=False;",
		nstr(path), nstr(value))
}

func (s *script) addWorker(id uuid.UUID) {
	s.line("EXEC [SSISDB].[catalog].[add_execution_worker] @execution_id, @workeragent_id=%s;", nstr(id.String()))
}

func (s *script) start(retry int32) {
	s.line("EXEC [SSISDB].[catalog].[start_execution] @execution_id, @retry_count=%d;", retry)
}

// sqlLiteral writes v so that the sql_variant parameter receives the same
// base type; a sensitive value is not shown.
func sqlLiteral(v sqltype.Value, sensitive bool) string {
	if sensitive {
		return "N'********' /* sensitive value not shown */"
	}
	if v.IsNull() {
		return "NULL"
	}
	text := sqltype.Format(v)
	k := v.Kind()
	switch {
	case k == sqltype.Int:
		return text
	case k.IsInteger(), k == sqltype.Real, k == sqltype.Float, k == sqltype.Decimal, k == sqltype.Numeric:
		return fmt.Sprintf("CAST(%s AS %s)", text, v.Type())
	case k.IsDateTime():
		return fmt.Sprintf("CAST(%s AS %s)", nstr(text), v.Type())
	case k.IsString():
		return nstr(text)
	}
	return nstr(text)
}
