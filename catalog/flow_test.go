package catalog

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/ispac"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

func TestDeployProjectContents(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	pr := e.query(admin, "catalog.projects")
	if len(pr) != 1 || pr[0][2] != "project1" || pr[0][6] != lAdmin || pr[0][9] != "1" {
		t.Fatalf("projects = %v", pr)
	}
	pk := e.query(admin, "catalog.packages")
	if len(pk) != 2 || pk[0][1] != "package1.dtsx" || pk[0][11] != "1" || pk[1][1] != "child.dtsx" || pk[1][11] != "0" {
		t.Fatalf("packages = %v", pk)
	}
	var got []string
	for _, r := range e.query(admin, "catalog.object_parameters") {
		// object_type, object_name, parameter_name, data_type, required, sensitive, design_default_value
		got = append(got, strings.Join([]string{r[2], r[3], r[4], r[5], r[6], r[7], r[9]}, "|"))
	}
	want := []string{
		"20|project1|Environment|String|0|0|dev",
		"20|project1|Required|Int32|1|0|1",
		"20|project1|Secret|String|0|1|NULL",
		"20|project1|CM.Source.ConnectionString|String|0|0|Data Source=.;Initial Catalog=tempdb;Integrated Security=SSPI;",
		"30|package1.dtsx|BatchSize|Int32|0|0|1000",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("object_parameters:\n%v\nwant\n%v", got, want)
	}
	ops := e.query(admin, "catalog.operations")
	if last := ops[len(ops)-1]; last[1] != "101" || last[6] != "7" || last[5] != "project1" {
		t.Fatalf("deploy operation = %v", last)
	}
	got2, _ := e.c.GetProject(e.ctx, admin, s("folder1"), s("project1"))
	if _, err := ispac.Read(got2, ispac.DefaultLimits()); err != nil {
		t.Fatalf("get_project returned a stream that does not read back: %v", err)
	}
}

func TestDeployBrokenFails27203WithReason(t *testing.T) {
	cases := map[string]struct {
		data []byte
		want string
	}{
		"zip":         {[]byte("PK\x03\x04garbage"), "not a zip archive"},
		"xml":         {mustZipT(t, map[string]string{"@Project.manifest": "<SSIS:Project"}), "@Project.manifest"},
		"entity bomb": {mustZipT(t, map[string]string{"@Project.manifest": `<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>`}), "DTD is prohibited"},
		"no packages": {mustZipT(t, map[string]string{"@Project.manifest": `<SSIS:Project xmlns:SSIS="www.microsoft.com/SqlServer/SSIS"><SSIS:Properties><SSIS:Property SSIS:Name="Name">p</SSIS:Property></SSIS:Properties></SSIS:Project>`}), "no packages"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, false)
			e.demo()
			admin := e.as(lAdmin)
			opID, err := e.c.DeployProject(e.ctx, nil, admin, s("folder1"), s("broken"), c.data)
			wantErr(t, err, 27203, 1, "Failed to deploy project. For more information, query the operation_messages view for the operation identifier '"+itoa(opID)+"'.")
			if e.status(opID) != StatusFailed {
				t.Errorf("deploy operation status %d, want 4", e.status(opID))
			}
			found := false
			for _, m := range e.query(admin, "catalog.operation_messages") {
				if m[1] == itoa(opID) && m[3] == "120" && strings.Contains(m[5], c.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("no error message mentioning %q in operation_messages", c.want)
			}
			if len(e.query(admin, "catalog.projects")) != 1 {
				t.Errorf("a failed deploy created a project")
			}
		})
	}
}

func mustZipT(t *testing.T, parts map[string]string) []byte {
	m := map[string][]byte{}
	for k, v := range parts {
		m[k] = []byte(v)
	}
	b, err := ispac.Zip(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func itoa(n int64) string { return valueText(sqltype.NewBigInt(n)) }

func TestRedeployKeepsServerValuesAndBumpsVersion(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	if _, err := e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(30), s("folder1"), s("project1"), s("BatchSize"), sqltype.NewInt(42), s("package1.dtsx"), nil); err != nil {
		t.Fatal(err)
	}
	before := e.query(admin, "catalog.projects")[0][9]
	if _, err := e.c.DeployProject(e.ctx, nil, admin, s("folder1"), s("project1"), demoIspac(t)); err != nil {
		t.Fatal(err)
	}
	after := e.query(admin, "catalog.projects")[0][9]
	if before == after {
		t.Fatalf("object_version_lsn did not change: %s", after)
	}
	for _, r := range e.query(admin, "catalog.object_parameters") {
		if r[4] == "BatchSize" && (r[10] != "42" || r[12] != "1") {
			t.Fatalf("server value lost on redeploy: %v", r)
		}
	}
}

// TestLocalExecutionLifecycle: create, set parameters, start, and the
// master's reports through the Sink, as the views show them.
func TestLocalExecutionLifecycle(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	if _, err := e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil); err != nil {
		t.Fatal(err)
	}
	id := e.mustCreate(false)
	for _, p := range []struct {
		name string
		v    sqltype.Value
	}{{"LOGGING_LEVEL", sqltype.NewSmallInt(3)}, {"SYNCHRONIZED", sqltype.NewInt(1)}, {"DUMP_EVENT_CODE", sqltype.NewNVarChar("0xC020801C")}} {
		if err := e.c.SetExecutionParameterValue(e.ctx, nil, admin, &id, i16(50), s(p.name), p.v); err != nil {
			t.Fatal(p.name, err)
		}
	}
	if err := e.c.SetExecutionPropertyOverrideValue(e.ctx, nil, admin, &id, s(`\Package.Properties[MaximumErrorCount]`), s("5"), b(false)); err != nil {
		t.Fatal(err)
	}
	info, ok := e.c.ExecInfo(id)
	if !ok || info.LoggingLevel != 3 || !info.Synchronized || info.Parameters["20:Required"] != "5" || info.Parameters["30:BatchSize"] != "1000" {
		t.Fatalf("ExecInfo = %+v", info)
	}
	done := make(chan error, 1)
	go func() { done <- e.c.StartExecution(e.ctx, nil, admin, &id, nil) }()
	waitFor(t, e, id, StatusPending)
	select {
	case err := <-done:
		t.Fatalf("SYNCHRONIZED start returned early: %v", err)
	default:
	}
	e.clk.Advance(time.Second)
	e.c.AttemptStarted(id, nil, 1, e.clk.Now())
	src := uuid.MustParse("00000000-0000-0000-0000-00000000abcd")
	e.c.Messages(id, []scaleout.EventMessage{
		{Time: e.clk.Now(), MessageType: 30, MessageSourceType: 30, Message: "start", PackageName: "package1", EventName: "OnPreExecute", SourceName: "package1", SourceID: "{" + src.String() + "}", ExecutionPath: `\package1`},
		{Time: e.clk.Now().Add(1500 * time.Millisecond), MessageType: 40, MessageSourceType: 30, Message: "end", PackageName: "package1", EventName: "OnPostExecute", SourceName: "package1", SourceID: "{" + src.String() + "}", ExecutionPath: `\package1`},
	})
	e.clk.Advance(2 * time.Second)
	e.c.Finished(id, scaleout.StatusSucceeded, 0, e.clk.Now())
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	execCol := func(name string) string {
		return e.query(admin, "catalog.executions")[0][column(t, e.c, "catalog.executions", name)]
	}
	if execCol("status") != "7" || execCol("executed_count") != "1" || execCol("machine_name") != "EMULATOR" || execCol("process_id") == "NULL" || execCol("end_time") == "NULL" {
		t.Fatalf("executions row = %v", e.query(admin, "catalog.executions")[0])
	}
	ev := e.query(admin, "catalog.event_messages")
	if len(ev) != 2 || ev[0][0] == "NULL" || ev[0][8] != "OnPreExecute" {
		t.Fatalf("event_messages = %v", ev)
	}
	st := e.query(admin, "catalog.executable_statistics")
	if len(st) != 1 || st[0][6] != "1500" || st[0][7] != "0" {
		t.Fatalf("executable_statistics = %v", st)
	}
	if x := e.query(admin, "catalog.executables"); len(x) != 1 || x[0][2] != "package1" {
		t.Fatalf("executables = %v", x)
	}
	ov := e.query(admin, "catalog.execution_property_override_values")
	if len(ov) != 1 || ov[0][3] != "5" {
		t.Fatalf("overrides = %v", ov)
	}
}

func waitFor(t *testing.T, e *env, id int64, st int32) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.c.waitStatus(ctx, id, func(s int32) bool { return s == st }); err != nil {
		t.Fatalf("status never became %d: %v", st, err)
	}
}

func TestExecutionParameterDefaults(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	id := e.mustCreate(false)
	var got []string
	for _, r := range e.query(e.as(lAdmin), "catalog.execution_parameter_values") {
		if r[1] == itoa(id) {
			got = append(got, strings.Join([]string{r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9]}, "|"))
		}
	}
	// The 2017 procedure's order: literal parameters (non-sensitive, then
	// sensitive), system parameters, then environment-bound ones. Unset
	// parameters keep value_set 0; the non-required, non-sensitive ones
	// carry their design default.
	want := []string{
		"20|String|Environment|dev|0|0|0|0",
		"20|Int32|Required|NULL|0|1|0|0",
		"20|String|CM.Source.ConnectionString|Data Source=.;Initial Catalog=tempdb;Integrated Security=SSPI;|0|0|0|0",
		"30|Int32|BatchSize|1000|0|0|0|0",
		"20|String|Secret|NULL|1|0|0|0",
		"50|Boolean|DUMP_ON_ERROR|0|0|0|1|0",
		"50|Boolean|DUMP_ON_EVENT|0|0|0|1|0",
		"50|String|DUMP_EVENT_CODE|0|0|0|1|0",
		"50|Int32|LOGGING_LEVEL|1|0|0|1|0",
		"50|String|CALLER_INFO|NULL|0|0|1|0",
		"50|Boolean|SYNCHRONIZED|0|0|0|1|0",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("execution_parameter_values:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// LOGGING_LEVEL 100 adds CUSTOMIZED_LOGGING_LEVEL; another level removes it.
	admin := e.as(lAdmin)
	e.c.DefineLoggingLevel(e.ctx, "Errors", "", 0, 0)
	must(t, e.c.SetExecutionParameterValue(e.ctx, nil, admin, &id, i16(50), s("LOGGING_LEVEL"), sqltype.NewInt(100)))
	must(t, e.c.SetExecutionParameterValue(e.ctx, nil, admin, &id, i16(50), s("CUSTOMIZED_LOGGING_LEVEL"), sqltype.NewNVarChar("Errors")))
	must(t, e.c.SetExecutionParameterValue(e.ctx, nil, admin, &id, i16(50), s("LOGGING_LEVEL"), sqltype.NewInt(2)))
	err := e.c.SetExecutionParameterValue(e.ctx, nil, admin, &id, i16(50), s("CUSTOMIZED_LOGGING_LEVEL"), sqltype.NewNVarChar("Errors"))
	wantErr(t, err, 27176, 1, "")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestEnvironmentReferenceResolution(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	must(t, e.c.CreateEnvironment(e.ctx, nil, admin, s("folder1"), s("prod"), s("production")))
	must(t, e.c.CreateEnvironmentVariable(e.ctx, nil, admin, s("folder1"), s("prod"), s("Batch"), s("Int32"), b(false), sqltype.NewInt(250), nil))
	must(t, e.c.CreateEnvironmentVariable(e.ctx, nil, admin, s("folder1"), s("prod"), s("Pwd"), s("String"), b(true), sqltype.NewNVarChar("s3cret"), nil))
	ref, err := e.c.CreateEnvironmentReference(e.ctx, nil, admin, s("folder1"), s("project1"), s("prod"), s("R"), nil)
	must(t, err)
	if _, err := e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(30), s("folder1"), s("project1"), s("BatchSize"), sqltype.NewNVarChar("Batch"), s("package1.dtsx"), s("R")); err != nil {
		t.Fatal(err)
	}
	id, err := e.c.CreateExecution(e.ctx, nil, admin, CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
		PackageName: s("package1.dtsx"), ReferenceID: &ref, Use32BitRuntime: b(false), RunInScaleOut: b(false)})
	must(t, err)
	info, _ := e.c.ExecInfo(id)
	if info.Parameters["30:BatchSize"] != "250" {
		t.Fatalf("BatchSize = %q, want the variable's 250", info.Parameters["30:BatchSize"])
	}
	row := e.query(admin, "catalog.executions")[0]
	if row[4] != itoa(ref) || row[5] != "R" || row[7] != "prod" {
		t.Fatalf("execution reference columns = %v", row[4:8])
	}
	// A sensitive variable bound to a non-sensitive parameter: 27221.
	e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Environment"), sqltype.NewNVarChar("Pwd"), nil, s("R"))
	_, err = e.c.CreateExecution(e.ctx, nil, admin, CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
		PackageName: s("package1.dtsx"), ReferenceID: &ref, Use32BitRuntime: b(false), RunInScaleOut: b(false)})
	wantErr(t, err, 27221, 1, "")
	// Type mismatch: 27148, and the failed create leaves a failed operation.
	e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Environment"), sqltype.NewNVarChar("Batch"), nil, s("R"))
	id2, err := e.c.CreateExecution(e.ctx, nil, admin, CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
		PackageName: s("package1.dtsx"), ReferenceID: &ref, Use32BitRuntime: b(false), RunInScaleOut: b(false)})
	wantErr(t, err, 27148, 1, "The data type of the parameter does not match the data type of the environment variable.")
	if e.status(id2) != StatusFailed {
		t.Errorf("failed create_execution left status %d, want 4", e.status(id2))
	}
	// Sensitive values never show in the views.
	for _, r := range e.query(admin, "catalog.environment_variables") {
		if r[2] == "Pwd" && r[6] != "NULL" {
			t.Errorf("sensitive variable value visible: %v", r)
		}
	}
}

func TestScaleOutExecutionAndStop(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	w := e.addWorker()
	{
		_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
		must(t, err)
	}
	id := e.mustCreate(true)
	must(t, e.c.AddExecutionWorker(e.ctx, nil, admin, &id, &w))
	must(t, e.c.StartExecution(e.ctx, nil, admin, &id, i32(2)))
	row := func() []string { return e.query(admin, "catalog.executions")[0] }
	if r := row(); r[16] != "5" || r[26] != "" {
		t.Fatalf("pending scale out execution: status %s machine %q", r[16], r[26])
	}
	tasks := e.query(admin, "internal.tasks")
	if len(tasks) != 1 || tasks[0][4] != "3" {
		t.Fatalf("tasks = %v (want MaxExecutedCount 3)", tasks)
	}
	e.c.AttemptStarted(id, &scaleout.Worker{ID: w, MachineName: "WORKER1"}, 1, e.clk.Now())
	if r := row(); r[16] != "2" || r[26] != "WORKER1" || r[27] != strings.ToUpper(worker1) && r[27] != w.String() {
		t.Fatalf("running: %v", r)
	}
	e.c.Messages(id, []scaleout.EventMessage{{Time: e.clk.Now(), MessageType: 70, MessageSourceType: 30, Message: "hello", EventName: "OnInformation"}})
	stopID, err := e.c.StopOperation(e.ctx, nil, e.as(lSSIS), &id)
	must(t, err)
	if e.status(id) != StatusStopping || e.status(stopID) != StatusRunning {
		t.Fatalf("after stop: exec %d stop op %d", e.status(id), e.status(stopID))
	}
	e.c.Finished(id, scaleout.StatusCanceled, stopID, e.clk.Now())
	if e.status(id) != StatusCanceled || e.status(stopID) != StatusSucceeded {
		t.Fatalf("after cancel: exec %d stop op %d", e.status(id), e.status(stopID))
	}
	if r := row(); r[23] != lSSIS {
		t.Errorf("stopped_by_name = %q", r[23])
	}
	ev := e.query(admin, "catalog.event_messages")
	om := e.query(admin, "catalog.operation_messages")
	if len(ev) != 1 || ev[0][0] != "NULL" || om[len(om)-1][0] != "-1" {
		t.Fatalf("scale out message ids: event %v operation %v", ev, om[len(om)-1])
	}
	stopRow := e.query(admin, "catalog.operations")
	if last := stopRow[len(stopRow)-1]; last[1] != "202" || last[10] != lSSIS {
		t.Fatalf("stop operation row = %v", last)
	}
}

func TestOperationIDsShareOneSequence(t *testing.T) {
	e := newEnv(t, false)
	e.demo() // deploy = 1
	a := e.mustCreate(false)
	must(t, e.c.ConfigureCatalog(e.ctx, nil, e.as(lAdmin), s("RETENTION_WINDOW"), s("30")))
	b := e.mustCreate(false)
	if a != 2 || b != 4 {
		t.Fatalf("ids %d, %d; want 2 and 4 (configure_catalog took 3)", a, b)
	}
}

func TestRollbackUndoesCatalogChanges(t *testing.T) {
	e := newEnv(t, false)
	admin := e.as(lAdmin)
	tx := e.c.Begin()
	_, err := e.c.CreateFolder(e.ctx, tx, admin, s("f"))
	must(t, err)
	{
		_, err := e.c.DeployProject(e.ctx, tx, admin, s("f"), s("project1"), demoIspac(t))
		must(t, err)
	}
	sp := tx.Savepoint()
	must(t, e.c.CreateEnvironment(e.ctx, tx, admin, s("f"), s("env"), nil))
	tx.RollbackTo(sp)
	if n := len(e.query(admin, "catalog.environments")); n != 0 {
		t.Fatalf("rollback to savepoint left %d environments", n)
	}
	if n := len(e.query(admin, "catalog.projects")); n != 1 {
		t.Fatalf("rollback to savepoint removed the project")
	}
	must(t, e.c.CreateLogin(e.ctx, tx, admin, "tmp", "pw", false))
	tx.Rollback()
	if n := len(e.query(admin, "catalog.folders")); n != 0 {
		t.Fatalf("rollback left %d folders", n)
	}
	if _, err := e.c.CallerFor("tmp"); err == nil {
		t.Fatal("rollback left the login")
	}
	// Identity values are not reused, as in SQL Server.
	id, err := e.c.CreateFolder(e.ctx, nil, admin, s("f"))
	must(t, err)
	if id != 2 {
		t.Fatalf("folder id after rollback = %d, want 2", id)
	}
}

func TestStartupMarksUnfinishedRunsEnded(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	{
		_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
		must(t, err)
	}
	pending := e.mustCreate(true)
	must(t, e.c.StartExecution(e.ctx, nil, admin, &pending, nil))
	running := e.mustCreate(false)
	must(t, e.c.StartExecution(e.ctx, nil, admin, &running, nil))
	e.c.AttemptStarted(running, nil, 1, e.clk.Now())
	created := e.mustCreate(false)
	warnings := e.c.Startup(e.ctx)
	if len(warnings) != 2 {
		t.Fatalf("warnings = %v", warnings)
	}
	want := "Warning: During startup, the Integration Services server marked operation " + itoa(pending) + " (type 200, status 5) as terminated. Please check the operating system error logs for operation details."
	if warnings[0].Message != want || warnings[0].Number != 27165 || warnings[0].Severity != 10 {
		t.Fatalf("warning = %+v", warnings[0])
	}
	if e.status(pending) != 6 || e.status(running) != 6 || e.status(created) != 1 {
		t.Fatalf("statuses %d %d %d", e.status(pending), e.status(running), e.status(created))
	}
}

func TestWaitFinalEndsWithContext(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	id := e.mustCreate(false)
	ctx, cancel := context.WithCancelCause(context.Background())
	cause := errors.New("attention")
	cancel(cause)
	if err := e.c.WaitFinal(ctx, id); !errors.Is(err, cause) {
		t.Fatalf("WaitFinal = %v, want the cancel cause", err)
	}
}

// TestOutputsAndReturnStatus checks the OUTPUT values and RETURN 0 of the
// procedures that have them.
func TestOutputsAndReturnStatus(t *testing.T) {
	e := newEnv(t, false)
	admin := e.as(lAdmin)
	fid, err := e.c.CreateFolder(e.ctx, nil, admin, s("a"))
	if st, ok := ReturnStatus(err); fid != 1 || !ok || st != 0 {
		t.Fatalf("create_folder @folder_id = %d, status %d %v", fid, st, ok)
	}
	fid2, _ := e.c.CreateFolder(e.ctx, nil, admin, s("b"))
	if fid2 != 2 {
		t.Fatalf("second @folder_id = %d", fid2)
	}
	opID, err := e.c.DeployProject(e.ctx, nil, admin, s("a"), s("project1"), demoIspac(t))
	must(t, err)
	if opID != 1 {
		t.Fatalf("deploy @operation_id = %d", opID)
	}
	must(t, e.c.CreateEnvironment(e.ctx, nil, admin, s("a"), s("e1"), nil))
	must(t, e.c.CreateEnvironment(e.ctx, nil, admin, s("b"), s("e2"), nil))
	r1, err := e.c.CreateEnvironmentReference(e.ctx, nil, admin, s("a"), s("project1"), s("e1"), s("R"), nil)
	must(t, err)
	r2, err := e.c.CreateEnvironmentReference(e.ctx, nil, admin, s("a"), s("project1"), s("e2"), s("A"), s("b"))
	must(t, err)
	if r1 != 1 || r2 != 2 {
		t.Fatalf("@reference_id = %d, %d", r1, r2)
	}
	// A relative and an absolute reference to one environment coexist.
	r3, err := e.c.CreateEnvironmentReference(e.ctx, nil, admin, s("a"), s("project1"), s("e1"), s("A"), s("a"))
	must(t, err)
	defer func() { must(t, e.c.DeleteEnvironmentReference(e.ctx, nil, admin, &r3)) }()
	refs := e.query(admin, "catalog.environment_references")
	if len(refs) != 3 || refs[0][3] != "NULL" || refs[1][3] != "b" || refs[1][2] != "A" {
		t.Fatalf("references = %v", refs)
	}
	id, err := e.c.CreateExecution(e.ctx, nil, admin, CreateExecutionArgs{FolderName: s("a"), ProjectName: s("project1"),
		PackageName: s("child.dtsx"), Use32BitRuntime: b(true)})
	must(t, err)
	if id != 2 {
		t.Fatalf("@execution_id = %d", id)
	}
	row := e.query(admin, "catalog.executions")[0]
	if row[11] != "1" || row[1] != "a" || row[3] != "child.dtsx" {
		t.Fatalf("execution row = %v", row)
	}
	// @runinscaleout NULL takes the catalog default.
	must(t, e.c.ConfigureCatalog(e.ctx, nil, admin, s("DEFAULT_EXECUTION_MODE"), s("1")))
	id2, err := e.c.CreateExecution(e.ctx, nil, admin, CreateExecutionArgs{FolderName: s("a"), ProjectName: s("project1"),
		PackageName: s("package1.dtsx"), Use32BitRuntime: b(false), UseAnyWorker: b(true)})
	must(t, err)
	ie := e.query(admin, "internal.executions")
	if last := ie[len(ie)-1]; last[0] != itoa(id2) || last[12] == "NULL" {
		t.Fatalf("DEFAULT_EXECUTION_MODE 1 did not make a Scale Out execution: %v", last)
	}
	props := map[string]string{}
	for _, r := range e.query(admin, "catalog.catalog_properties") {
		props[r[0]] = r[1]
	}
	if props["DEFAULT_EXECUTION_MODE"] != "1" || props["SERVER_LOGGING_LEVEL"] != "1" {
		t.Fatalf("catalog_properties = %v", props)
	}
}

// Seeding the same .ispac twice deploys it once: a restart with --data-dir
// and --seed does not make a new project version (which would make
// executions created before it fail to start with 27150).
func TestSeedSameIspacTwiceDeploysOnce(t *testing.T) {
	c := New(Options{})
	ctx := context.Background()
	data, err := ispac.Build(DemoProject("project1", "package1.dtsx"))
	if err != nil {
		t.Fatal(err)
	}
	first, err := c.Seed(ctx, "folder1", "", data)
	if err != nil || first == 0 {
		t.Fatalf("first seed: id %d, err %v", first, err)
	}
	var lsn int64
	c.ReadState(func(s *State) {
		for _, p := range s.Projects {
			lsn = p.LSN
		}
	})
	again, err := c.Seed(ctx, "folder1", "", data)
	if err != nil || again != 0 {
		t.Fatalf("second seed of the same .ispac: id %d, err %v; want 0, nil", again, err)
	}
	other, err := ispac.Build(DemoProject("project1", "package2.dtsx"))
	if err != nil {
		t.Fatal(err)
	}
	third, err := c.Seed(ctx, "folder1", "project1", other)
	if err != nil || third == 0 {
		t.Fatalf("a changed .ispac: id %d, err %v; want a new deployment", third, err)
	}
	c.ReadState(func(s *State) {
		for _, p := range s.Projects {
			if p.LSN == lsn {
				t.Fatalf("a changed .ispac kept the project version %d", lsn)
			}
		}
	})
}
