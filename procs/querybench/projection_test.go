package querybench

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/ispac"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/scripttest"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// projectionSetup adds what loaded does not have: folders, an environment
// with variables (a sensitive one, whose value the view hides), and a
// login that is no sysadmin, with read permission on one folder.
const projectionSetup = `
EXEC SSISDB.catalog.create_folder @folder_name = N'f1';
EXEC SSISDB.catalog.create_folder @folder_name = N'f2';
EXEC SSISDB.catalog.create_environment @folder_name = N'f1', @environment_name = N'dev', @environment_description = N'dev box';
EXEC SSISDB.catalog.create_environment_variable @folder_name = N'f1', @environment_name = N'dev', @variable_name = N'Conn',
	@data_type = N'String', @sensitive = 0, @value = N'Server=.', @description = N'the connection';
EXEC SSISDB.catalog.create_environment_variable @folder_name = N'f1', @environment_name = N'dev', @variable_name = N'Pwd',
	@data_type = N'String', @sensitive = 1, @value = N'secret';
EXEC SSISDB.catalog.create_environment_variable @folder_name = N'f1', @environment_name = N'dev', @variable_name = N'N',
	@data_type = N'Int32', @sensitive = 0, @value = 42;
CREATE LOGIN reader WITH PASSWORD = N'Reader!Pass1';
USE SSISDB;
CREATE USER reader FOR LOGIN reader;
DECLARE @p int; SELECT @p = principal_id FROM SSISDB.sys.database_principals WHERE name = N'reader';
EXEC SSISDB.catalog.grant_permission @object_type = 1, @object_id = 1, @principal_id = @p, @permission_type = 1;
`

const projectExecution = `
DECLARE @ref bigint, @id bigint;
EXEC SSISDB.catalog.create_environment_reference @folder_name = N'f1', @project_name = N'demo', @environment_name = N'dev',
	@reference_type = 'R', @reference_id = @ref OUTPUT;
EXEC SSISDB.catalog.set_object_parameter_value @object_type = 20, @folder_name = N'f1', @project_name = N'demo',
	@parameter_name = N'Environment', @parameter_value = N'Conn', @value_type = 'R';
EXEC SSISDB.catalog.create_execution @folder_name = N'f1', @project_name = N'demo', @package_name = N'p.dtsx',
	@reference_id = @ref, @execution_id = @id OUTPUT;
EXEC SSISDB.catalog.set_execution_parameter_value @id, 50, N'LOGGING_LEVEL', 3;
EXEC SSISDB.catalog.set_execution_property_override_value @id, N'\Package.Variables[User::x].Value', N'5', 0;
EXEC SSISDB.catalog.set_execution_property_override_value @id, N'\Package.Variables[User::y].Value', N'pw', 1;
`

// projected loads a catalog (n executions of 3 messages: over 120, scans
// of several chunks), runs projectionSetup, and returns it with a session
// that prunes columns and one that builds them all.
func projected(t *testing.T, n int) (cat *catalog.Catalog, pruned, all tds.Session) {
	t.Helper()
	cat, pruned = loaded(&testing.B{}, n, 3)
	r := &scripttest.Recorder{}
	if err := pruned.Batch(context.Background(), projectionSetup, r); err != nil {
		t.Fatal(err)
	}
	if o := r.Outcome(); len(o.Errors) > 0 {
		t.Fatalf("setup: %+v", o.Errors)
	}
	// A project with parameters and packages, referenced from the
	// environment, and an execution of it with parameter values and
	// property overrides (a sensitive one).
	sa, err := cat.CallerFor("sa")
	if err != nil {
		t.Fatal(err)
	}
	stream, err := ispac.Build(catalog.DemoProject("demo", "p.dtsx"))
	if err != nil {
		t.Fatal(err)
	}
	folder, project := "f1", "demo"
	if _, err := cat.DeployProject(context.Background(), nil, sa, &folder, &project, stream); err != nil {
		t.Fatal(err)
	}
	r = &scripttest.Recorder{}
	if err := pruned.Batch(context.Background(), projectExecution, r); err != nil {
		t.Fatal(err)
	}
	if o := r.Outcome(); len(o.Errors) > 0 {
		t.Fatalf("setup: %+v", o.Errors)
	}
	return cat, pruned, session(t, cat, true)
}

// TestPrunedQueriesGiveTheFullResult runs each batch on a session whose
// scans build only the columns the statement reads and on one whose scans
// build every column, over the same catalog, and wants the same outcome:
// columns, rows, messages, errors and row counts.
func TestPrunedQueriesGiveTheFullResult(t *testing.T) {
	_, pruned, all := projected(t, 300)
	tests := []struct{ name, sql string }{
		{"star", "SELECT * FROM SSISDB.catalog.executions"},
		{"star of each view", "SELECT * FROM SSISDB.catalog.operations; SELECT * FROM SSISDB.catalog.event_messages; " +
			"SELECT * FROM SSISDB.catalog.operation_messages; SELECT * FROM SSISDB.catalog.folders; " +
			"SELECT * FROM SSISDB.catalog.environments; SELECT * FROM SSISDB.catalog.environment_variables; " +
			"SELECT * FROM SSISDB.internal.operations; SELECT * FROM SSISDB.internal.executions; SELECT * FROM SSISDB.internal.execution_info"},
		{"group by status", "SELECT status, COUNT(*) FROM SSISDB.catalog.executions GROUP BY status ORDER BY status"},
		{"count", "SELECT COUNT(*) FROM SSISDB.catalog.executions; SELECT COUNT(*) FROM SSISDB.catalog.event_messages"},
		{"count of a nullable column", "SELECT COUNT(end_time), COUNT(stopped_by_name), COUNT(DISTINCT package_name) FROM SSISDB.catalog.executions"},
		{"expressions", "SELECT execution_id * 2 + LEN(package_name), UPPER(folder_name), DATEDIFF(second, start_time, end_time), " +
			"COALESCE(stopped_by_name, caller_name), IIF(use32bitruntime = 1, 'x86', 'x64') FROM SSISDB.catalog.executions WHERE status IN (7, 4)"},
		{"case", "SELECT execution_id, CASE WHEN status = 7 THEN 'ok' WHEN status = 4 THEN 'failed' ELSE executed_as_name END " +
			"FROM SSISDB.catalog.executions ORDER BY CASE status WHEN 2 THEN 0 ELSE 1 END, execution_id"},
		{"having and order by an unselected column", "SELECT package_name, COUNT(*) FROM SSISDB.catalog.executions " +
			"GROUP BY package_name HAVING MAX(end_time) > '2025-03-01T08:03:00' ORDER BY MIN(start_time) DESC"},
		{"order by unselected", "SELECT TOP 10 execution_id FROM SSISDB.catalog.executions ORDER BY end_time DESC, machine_name, execution_id"},
		{"window", "SELECT TOP 20 execution_id, ROW_NUMBER() OVER (PARTITION BY package_name ORDER BY start_time DESC), " +
			"SUM(process_id) OVER (PARTITION BY status) FROM SSISDB.catalog.executions ORDER BY execution_id"},
		{"group by an expression", "SELECT DATEPART(minute, start_time) m, COUNT(*) FROM SSISDB.catalog.executions GROUP BY DATEPART(minute, start_time) ORDER BY m"},
		{"distinct", "SELECT DISTINCT package_name, status FROM SSISDB.catalog.executions ORDER BY package_name, status"},
		{"correlated scalar subquery", "SELECT e.execution_id, (SELECT COUNT(*) FROM SSISDB.catalog.event_messages m " +
			"WHERE m.operation_id = e.execution_id AND m.message_time >= e.start_time) FROM SSISDB.catalog.executions e WHERE e.execution_id < 50"},
		{"exists", "SELECT execution_id FROM SSISDB.catalog.executions e WHERE EXISTS (SELECT 1 FROM SSISDB.catalog.operations o " +
			"WHERE o.operation_id = e.execution_id AND o.object_name IS NULL AND o.status = e.status)"},
		{"exists with star", "IF EXISTS (SELECT * FROM SSISDB.catalog.executions WHERE status = 9) SELECT 1 ELSE SELECT 0; " +
			"SELECT COUNT(*) FROM SSISDB.catalog.folders f WHERE EXISTS (SELECT * FROM SSISDB.catalog.environments e WHERE e.folder_id = f.folder_id)"},
		{"not exists with star", "SELECT COUNT(*) FROM SSISDB.catalog.executions e WHERE NOT EXISTS (SELECT * FROM SSISDB.catalog.event_messages m WHERE m.operation_id = e.execution_id AND m.threadID = 2)"},
		{"in subquery", "SELECT execution_id, package_name FROM SSISDB.catalog.executions WHERE execution_id IN " +
			"(SELECT operation_id FROM SSISDB.catalog.event_messages WHERE threadID = 2 AND operation_id % 7 = 0)"},
		{"join", "SELECT e.execution_id, e.package_name, m.message_time, m.message FROM SSISDB.catalog.executions e " +
			"JOIN SSISDB.catalog.event_messages m ON m.operation_id = e.execution_id"},
		{"left join on two columns", "SELECT e.execution_id, o.operation_type FROM SSISDB.catalog.executions e " +
			"LEFT JOIN SSISDB.catalog.operations o ON o.operation_id = e.execution_id AND o.status = 7 ORDER BY e.execution_id"},
		{"join with qualified star", "SELECT TOP 5 o.*, e.package_name FROM SSISDB.catalog.executions e JOIN SSISDB.catalog.operations o " +
			"ON o.operation_id = e.execution_id ORDER BY e.execution_id DESC"},
		{"cross apply", "SELECT e.execution_id, x.n FROM SSISDB.catalog.executions e CROSS APPLY (SELECT COUNT(*) n, MAX(m.message) mm " +
			"FROM SSISDB.catalog.event_messages m WHERE m.operation_id = e.execution_id) x WHERE e.execution_id < 20"},
		{"cte", "WITH x AS (SELECT execution_id AS id, status, end_time FROM SSISDB.catalog.executions) SELECT status, COUNT(*), MAX(id) FROM x GROUP BY status ORDER BY status"},
		{"cte with star", "WITH x AS (SELECT * FROM SSISDB.catalog.executions) SELECT TOP 5 package_name, end_time FROM x ORDER BY execution_id DESC"},
		{"derived table", "SELECT d.s, COUNT(*) FROM (SELECT status AS s, package_name p FROM SSISDB.catalog.executions) d " +
			"WHERE d.p LIKE 'package1%' GROUP BY d.s ORDER BY d.s"},
		{"union", "SELECT package_name FROM SSISDB.catalog.executions WHERE status = 7 UNION SELECT object_name FROM SSISDB.catalog.operations ORDER BY 1"},
		{"pivot", "SELECT * FROM (SELECT status, folder_name FROM SSISDB.catalog.executions) s PIVOT (COUNT(folder_name) FOR status IN ([2], [4], [7])) p"},
		{"insert select", "CREATE TABLE #t1 (id bigint, pkg nvarchar(260)); INSERT INTO #t1 SELECT execution_id, package_name FROM SSISDB.catalog.executions " +
			"WHERE status = 7; SELECT * FROM #t1 ORDER BY id; DROP TABLE #t1"},
		{"insert select with output", "CREATE TABLE #t2 (id bigint, t datetimeoffset); INSERT INTO #t2 OUTPUT inserted.id SELECT execution_id, end_time " +
			"FROM SSISDB.catalog.executions WHERE execution_id < 5; DROP TABLE #t2"},
		{"select into", "SELECT execution_id, end_time INTO #t3 FROM SSISDB.catalog.executions WHERE status = 4; SELECT * FROM #t3 ORDER BY execution_id; DROP TABLE #t3"},
		{"select star into", "SELECT * INTO #t4 FROM SSISDB.catalog.event_messages WHERE operation_id < 5; SELECT * FROM #t4 ORDER BY event_message_id; DROP TABLE #t4"},
		{"update from a view", "CREATE TABLE #t5 (id bigint, pkg nvarchar(260)); INSERT #t5 VALUES (5, NULL), (6, NULL); UPDATE t SET pkg = e.package_name " +
			"FROM #t5 t JOIN SSISDB.catalog.executions e ON e.execution_id = t.id; SELECT * FROM #t5; DROP TABLE #t5"},
		{"cursor", "DECLARE @id bigint, @p nvarchar(260); DECLARE c CURSOR FOR SELECT execution_id, package_name FROM SSISDB.catalog.executions " +
			"WHERE status = 2 ORDER BY end_time DESC; OPEN c; FETCH NEXT FROM c INTO @id, @p; WHILE @@FETCH_STATUS = 0 BEGIN " +
			"PRINT CONCAT(@id, ' ', @p); FETCH NEXT FROM c INTO @id, @p; END; CLOSE c; DEALLOCATE c"},
		{"cursor fetch", "DECLARE c CURSOR FOR SELECT status, caller_name FROM SSISDB.catalog.executions WHERE execution_id > 290; " +
			"OPEN c; FETCH NEXT FROM c; FETCH NEXT FROM c; CLOSE c; DEALLOCATE c"},
		{"for xml", "SELECT TOP 3 execution_id, package_name, end_time FROM SSISDB.catalog.executions ORDER BY execution_id FOR XML PATH('e'), ROOT('r')"},
		{"for xml raw in a subquery", "SELECT (SELECT TOP 2 folder_name, status FROM SSISDB.catalog.executions WHERE status = 7 FOR XML RAW)"},
		{"seek", "SELECT package_name, end_time FROM SSISDB.catalog.executions WHERE execution_id = 42; " +
			"SELECT name FROM SSISDB.catalog.folders WHERE name = N'f2'; SELECT COUNT(*) FROM SSISDB.catalog.event_messages WHERE operation_id = 7"},
		{"in list seek", "SELECT status FROM SSISDB.catalog.executions WHERE execution_id IN (7, 8, 500)"},
		{"top newest", "SELECT TOP 50 execution_id, status, end_time FROM SSISDB.catalog.executions ORDER BY execution_id DESC"},
		{"variable assignment", "DECLARE @m datetimeoffset, @n int; SELECT @m = MAX(end_time), @n = COUNT(*) FROM SSISDB.catalog.executions WHERE status = 7; SELECT @m, @n"},
		{"sensitive values", "SELECT name, value, sensitive FROM SSISDB.catalog.environment_variables ORDER BY name; " +
			"SELECT COUNT(*) FROM SSISDB.catalog.environment_variables WHERE value IS NULL"},
		{"description null", "SELECT COUNT(description) FROM SSISDB.catalog.folders; SELECT name FROM SSISDB.catalog.folders WHERE description IS NULL"},
		{"sp_executesql", "EXEC sp_executesql N'SELECT status, end_time FROM SSISDB.catalog.executions WHERE execution_id = @id', N'@id bigint', @id = 9"},
		{"system view", "SELECT name FROM sys.server_principals WHERE type = 'S' ORDER BY name; SELECT COUNT(*) FROM SSISDB.sys.database_principals"},
		{"invalid column", "SELECT nosuch FROM SSISDB.catalog.executions"},
		{"denied to a reader", "EXECUTE AS LOGIN = 'reader'; SELECT COUNT(*) FROM SSISDB.internal.operations; REVERT"},
		{"row-level security", "EXECUTE AS LOGIN = 'reader'; SELECT name FROM SSISDB.catalog.folders; SELECT COUNT(*) FROM SSISDB.catalog.folders; " +
			"SELECT COUNT(*) FROM SSISDB.catalog.executions; SELECT name FROM SSISDB.catalog.environments; REVERT"},
	}
	run := func(t *testing.T, s tds.Session, sql string) scripttest.Outcome {
		r := &scripttest.Recorder{}
		if err := s.Batch(context.Background(), sql, r); err != nil {
			t.Fatal(err)
		}
		return r.Outcome()
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, want := run(t, pruned, tc.sql), run(t, all, tc.sql)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("pruned:\n%+v\nall columns:\n%+v", got, want)
			}
			if len(want.Results) == 0 && len(want.Errors) == 0 && len(want.Infos) == 0 {
				t.Fatalf("the batch returned nothing to compare: %+v", want)
			}
		})
	}
}

// TestEveryViewProjectsEachColumn asks every catalog view, internal
// table and system view the catalog answers, as sa and as a reader with one folder, for one column at a time:
// the projection hands over the rows the full scan does, in its order, with
// that column's values and NULL in every other column, and the same error
// (229 for the reader on internal tables). Seeks and ordered walks too.
func TestEveryViewProjectsEachColumn(t *testing.T) {
	cat, _, _ := projected(t, 130)
	ctx := context.Background()
	collect := func(t *testing.T, do func(fn func(rows.Row) bool) error) ([]rows.Row, error) {
		var out []rows.Row
		err := do(func(r rows.Row) bool { out = append(out, slices.Clone(r)); return true })
		return out, err
	}
	names := catalog.ViewNames()
	slices.Sort(names)
	// The system views the catalog answers (in SSISDB, for its users).
	names = append(names, "sys.server_principals", "sys.server_role_members", "sys.databases",
		"sys.database_principals", "sys.schemas", "sys.database_role_members")
	for _, login := range []string{"sa", "reader"} {
		caller, err := cat.CallerFor(login)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			schema, view, _ := strings.Cut(name, ".")
			t.Run(login+"/"+name, func(t *testing.T) {
				src, ok := cat.View(catalog.SSISDB, schema, view, caller)
				if !ok {
					t.Fatalf("no view %s", name)
				}
				p, ok := src.(rows.Projector)
				if !ok {
					t.Fatalf("%s is not a rows.Projector", name)
				}
				full, fullErr := collect(t, func(fn func(rows.Row) bool) error { return src.Scan(ctx, fn) })
				t.Logf("%d rows, error %v", len(full), fullErr)
				cols := src.Columns()
				for i := range cols {
					need := make([]bool, len(cols))
					need[i] = true
					ps := p.Project(need)
					got, err := collect(t, func(fn func(rows.Row) bool) error { return ps.Scan(ctx, fn) })
					if fmt.Sprint(err) != fmt.Sprint(fullErr) {
						t.Fatalf("column %s: error %v, want %v", cols[i].Name, err, fullErr)
					}
					checkProjected(t, true, cols, need, got, full)
					if o, ok := ps.(rows.Ordered); ok {
						for _, oc := range o.OrderColumns() {
							for _, desc := range []bool{false, true} {
								want, wantErr := collect(t, func(fn func(rows.Row) bool) error { return src.(rows.Ordered).ScanOrdered(ctx, oc, desc, fn) })
								got, err := collect(t, func(fn func(rows.Row) bool) error { return o.ScanOrdered(ctx, oc, desc, fn) })
								if fmt.Sprint(err) != fmt.Sprint(wantErr) {
									t.Fatalf("ordered on %d: error %v, want %v", oc, err, wantErr)
								}
								checkProjected(t, true, cols, need, got, want)
							}
						}
					}
					sk, ok := ps.(rows.Seeker)
					if !ok || len(full) == 0 {
						continue
					}
					// Seek every seek column, and one that is not (a
					// filtered scan), for the value of a row in the middle.
					seekCols := append(slices.Clone(sk.SeekColumns()), len(cols)-1)
					for _, sc := range seekCols {
						key := full[len(full)/2][sc]
						if key.IsNull() {
							continue
						}
						want, wantErr := collect(t, func(fn func(rows.Row) bool) error { return src.(rows.Seeker).Seek(ctx, sc, key, fn) })
						got, err := collect(t, func(fn func(rows.Row) bool) error { return sk.Seek(ctx, sc, key, fn) })
						if fmt.Sprint(err) != fmt.Sprint(wantErr) || len(want) == 0 {
							t.Fatalf("seek on %d: error %v, want %v (%d rows)", sc, err, wantErr, len(want))
						}
						checkProjected(t, sc != len(cols)-1, cols, need, got, want)
					}
				}
			})
		}
	}
}

// checkProjected wants got to be want with the columns need leaves out
// NULL (or, unless strict, as they are: a seek on a column it does not
// index builds that column to compare it).
func checkProjected(t *testing.T, strict bool, cols []rows.Column, need []bool, got, want []rows.Row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("need %v: %d rows, want %d", need, len(got), len(want))
	}
	for r := range got {
		for i, v := range got[r] {
			if need[i] || !strict && !v.IsNull() {
				if !reflect.DeepEqual(v, want[r][i]) {
					t.Fatalf("row %d column %s: %#v, want %#v", r, cols[i].Name, v, want[r][i])
				}
			} else if !v.IsNull() || v.Type() != cols[i].Type && v.Type() != want[r][i].Type() {
				t.Fatalf("row %d column %s, not needed: %#v, want a NULL %v", r, cols[i].Name, v, cols[i].Type)
			}
		}
	}
}

// TestPooledBuffersKeepNoOtherMasksNulls: scans share pooled buffers, and
// a buffer keeps the NULLs of its last mask for the next scan of the same
// projected source. Seeks and scans of two projections of one view (status
// alone, everything but status) and of the view itself, interleaved, each
// give the full scan's values in their columns.
func TestPooledBuffersKeepNoOtherMasksNulls(t *testing.T) {
	cat, _, _ := projected(t, 130)
	ctx := context.Background()
	sa, err := cat.CallerFor("sa")
	if err != nil {
		t.Fatal(err)
	}
	src, _ := cat.View(catalog.SSISDB, "catalog", "executions", sa)
	cols := src.Columns()
	statusOnly, allButStatus := make([]bool, len(cols)), make([]bool, len(cols))
	for i, c := range cols {
		statusOnly[i] = c.Name == "status"
		allButStatus[i] = c.Name != "status"
	}
	var full []rows.Row
	if err := src.Scan(ctx, func(r rows.Row) bool { full = append(full, slices.Clone(r)); return true }); err != nil {
		t.Fatal(err)
	}
	byID := map[int64]rows.Row{}
	for _, r := range full {
		byID[r[0].Int64()] = r
	}
	sources := []struct {
		need []bool
		src  rows.Source
	}{
		{statusOnly, src.(rows.Projector).Project(statusOnly)},
		{allButStatus, src.(rows.Projector).Project(allButStatus)},
		{nil, src},
	}
	for round := range 30 {
		s := sources[round%len(sources)]
		need := s.need
		if need == nil {
			need = slices.Repeat([]bool{true}, len(cols))
		}
		var got []rows.Row
		collect := func(r rows.Row) bool { got = append(got, slices.Clone(r)); return true }
		if round%2 == 0 {
			if err := s.src.Scan(ctx, collect); err != nil {
				t.Fatal(err)
			}
			checkProjected(t, true, cols, need, got, full)
			continue
		}
		// Seeks of a few ids, one scan each (as a join's inner side).
		var want []rows.Row
		for _, id := range []int64{3, 77, 130, 5} {
			if err := s.src.(rows.Seeker).Seek(ctx, 0, sqltype.NewBigInt(id), collect); err != nil {
				t.Fatal(err)
			}
			want = append(want, byID[id])
		}
		checkProjected(t, true, cols, need, got, want)
	}
}
