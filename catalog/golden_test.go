package catalog

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// richCatalog builds a catalog in which every view has rows and most
// nullable columns appear both NULL and set: environments and references,
// Scale Out and local executions in several statuses, overrides, messages
// of both kinds with executables and statistics, a stop, object
// permissions, a logging level, and one operation written straight into
// the state with every optional field set (including event contexts,
// which no procedure creates).
func richCatalog(t *testing.T) *env {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	w := e.addWorker()
	must(t, e.c.CreateEnvironment(e.ctx, nil, admin, s("folder1"), s("env"), s("an environment")))
	must(t, e.c.CreateEnvironmentVariable(e.ctx, nil, admin, s("folder1"), s("env"), s("v"), s("Int32"), b(false), sqltype.NewInt(3), nil))
	must(t, e.c.CreateEnvironmentVariable(e.ctx, nil, admin, s("folder1"), s("env"), s("secret"), s("String"), b(true), sqltype.NewNVarChar("pw"), s("hidden")))
	must(t, e.c.CreateEnvironmentVariable(e.ctx, nil, admin, s("folder1"), s("env"), s("stage"), s("String"), b(false), sqltype.NewNVarChar("test"), nil))
	ref, err := e.c.CreateEnvironmentReference(e.ctx, nil, admin, s("folder1"), s("project1"), s("env"), s("A"), s("folder1"))
	must(t, err)
	_, err = e.c.CreateEnvironmentReference(e.ctx, nil, admin, s("folder1"), s("project1"), s("env"), s("R"), nil)
	must(t, err)
	_, err = e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
	must(t, err)
	_, err = e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Environment"), sqltype.NewNVarChar("stage"), nil, s("R"))
	must(t, err)
	e.c.DefineLoggingLevel(e.ctx, "verbose", "all events", 7, 255)

	// Two validations, one scoped to a reference; the clock moves on
	// below, so both have ended by the time the views are read.
	_, err = e.c.ValidateProject(e.ctx, nil, admin, projArgs("S", &ref))
	must(t, err)
	e.clk.Advance(time.Second)
	_, err = e.c.ValidatePackage(e.ctx, nil, admin, pkgArgs("package1.dtsx"))
	must(t, err)

	// A Scale Out execution that runs, logs and is stopped.
	so := e.mustCreate(true)
	must(t, e.c.AddExecutionWorker(e.ctx, nil, admin, &so, &w))
	must(t, e.c.SetExecutionPropertyOverrideValue(e.ctx, nil, admin, &so, s(`\Package.Properties[MaxErrors]`), s("3"), b(false)))
	must(t, e.c.SetExecutionPropertyOverrideValue(e.ctx, nil, admin, &so, s(`\Package.Properties[Secret]`), s("x"), b(true)))
	must(t, e.c.StartExecution(e.ctx, nil, admin, &so, i32(1)))
	e.clk.Advance(time.Second)
	e.c.AttemptStarted(so, &scaleout.Worker{ID: w, MachineName: "WORKER1"}, 1, e.clk.Now())
	e.c.Messages(so, runMessages(e.clk.Now(), "package1.dtsx", false))
	stop, err := e.c.StopOperation(e.ctx, nil, e.as(lSSIS), &so)
	must(t, err)
	e.clk.Advance(time.Second)
	e.c.Finished(so, scaleout.StatusCanceled, stop, e.clk.Now())

	// A local execution with an environment reference that succeeds, and
	// one that fails with an open statistic.
	local, err := e.c.CreateExecution(e.ctx, nil, admin, CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
		PackageName: s("package1.dtsx"), ReferenceID: &ref, Use32BitRuntime: b(true), RunInScaleOut: b(false)})
	must(t, err)
	must(t, e.c.StartExecution(e.ctx, nil, admin, &local, nil))
	e.c.AttemptStarted(local, nil, 1, e.clk.Now())
	e.c.Messages(local, runMessages(e.clk.Now(), "package1.dtsx", false))
	e.clk.Advance(2 * time.Second)
	e.c.Finished(local, scaleout.StatusSucceeded, 0, e.clk.Now())
	failed := e.mustCreate(false)
	must(t, e.c.StartExecution(e.ctx, nil, admin, &failed, nil))
	e.c.AttemptStarted(failed, nil, 1, e.clk.Now())
	e.c.Messages(failed, runMessages(e.clk.Now(), "package1.dtsx", true))
	e.c.Finished(failed, scaleout.StatusFailed, 0, e.clk.Now())

	// One created and one pending; an execution of the object-permission
	// user that others may not see; read access granted on one execution.
	tapped := e.mustCreate(false)
	_, err = e.c.AddDataTap(e.ctx, nil, admin, AddDataTapArgs{ExecutionID: &tapped, TaskPackagePath: s(`\Package\DFT`),
		PathIDString: s("Paths[Source.Output]"), DataFileName: s("out.csv"), MaxRows: i32(10)})
	must(t, err)
	_, err = e.c.AddDataTap(e.ctx, nil, admin, AddDataTapArgs{ExecutionID: &tapped, TaskGUID: ptr(e.c.opts.NewUUID()),
		PathIDString: s("Paths[Source.Output]"), DataFileName: s("all.csv")})
	must(t, err)
	pending := e.mustCreate(false)
	must(t, e.c.StartExecution(e.ctx, nil, admin, &pending, nil))
	pid := projectID(e, "project1")
	for _, p := range []int16{PermRead, PermExecute} {
		must(t, e.c.GrantPermission(e.ctx, nil, admin, i16(ObjProject), &pid, i32(e.userID(lObj)), i16(p)))
	}
	own, err := e.create(e.as(lObj), false)
	must(t, err)
	must(t, e.c.GrantPermission(e.ctx, nil, admin, i16(ObjOperation), &local, i32(e.userID(lNobody)), i16(PermRead)))
	must(t, e.c.DenyPermission(e.ctx, nil, admin, i16(ObjOperation), &own, i32(e.userID(lNobody)), i16(PermRead)))

	// Every optional field set.
	e.c.mu.Lock()
	st := e.c.st
	id := st.nextOp()
	evID := st.NextMessageID
	st.NextMessageID++
	full := &Operation{ID: id, Type: OpExecution, Created: t0, ObjectType: 20, ObjectID: i64(pid), ObjectName: s("project1"),
		Status: StatusEndedUnexpectedly, Start: t0.Add(time.Minute), End: t0.Add(2 * time.Minute), CallerSID: []byte{1, 2, 3},
		CallerName: "someone", ProcessID: i32(4242), StoppedBySID: []byte{9}, StoppedByName: s("stopper"), GUID: e.c.opts.NewUUID(),
		ServerName: "EMULATOR", MachineName: s("M1"), WorkerAgentID: &w, ExecutedCount: i32(3),
		Exec: &Execution{FolderName: "folder1", ProjectName: "project1", PackageName: "package1.dtsx", ProjectID: pid,
			ReferenceID: i64(ref), ReferenceType: ptr(byte('R')), EnvFolderName: s("folder1"), EnvName: s("env"), ProjectLSN: 1,
			ExecutedAsSID: []byte{4}, ExecutedAsName: "runner", Use32Bit: true, JobID: ptr(e.c.opts.NewUUID()),
			Params: []*ExecParam{{ID: 900, ObjectType: 20, DataType: "String", Name: "p", Value: sqltype.NewNVarChar("x"), ValueSet: true},
				{ID: 901, ObjectType: 30, DataType: "Int32", Name: "s", Value: sqltype.NewInt(1), Sensitive: true, Required: true}},
			Contexts: []*EventContext{{ID: 1, EventMessageID: &evID, Depth: 2, PackagePath: `\Package`, ContextType: 60,
				SourceName: "Task", SourceID: "{AB}", PropertyName: "Prop", PropertyValue: sqltype.NewInt(7), EventGUID: e.c.opts.NewUUID()},
				{ID: 2, Depth: 1}}},
		Messages: []*OperationMessage{{ID: evID, OperationID: id, Time: t0, Type: 120, SourceType: 20, Message: "boom", ExtendedInfoID: i64(77),
			Event: &EventInfo{EventMessageID: &evID, PackageName: "package1.dtsx", EventName: "OnError", SourceName: "ignored",
				SourceID: "{S}", Subcomponent: "sub", PackagePath: `\Package`, ExecutionPath: `\package1`, ThreadID: 12, MessageCode: -1,
				GUID: e.c.opts.NewUUID()}}},
	}
	st.addOperation(full)
	e.c.mu.Unlock()
	return e
}

// runMessages is what a package run logs: pre/post-execute of the package
// and a task (which build executables and statistics), an information
// message and, when failing, an error with the task left open.
func runMessages(at time.Time, pkg string, fail bool) []scaleout.EventMessage {
	ev := func(name, src, id string, typ int16, text string) scaleout.EventMessage {
		return scaleout.EventMessage{Time: at, MessageType: typ, MessageSourceType: 40, Message: text, PackageName: pkg,
			EventName: name, SourceName: src, SourceID: id, PackagePath: `\Package`, ExecutionPath: `\` + src, ThreadID: 1,
			GUID: uuid.NewSHA1(uuid.Nil, []byte(name+src+text))}
	}
	msgs := []scaleout.EventMessage{
		ev("OnPreExecute", "package1", "{P}", 30, "package starts"),
		ev("OnPreExecute", "Task", "{T}", 30, "task starts"),
		ev("OnInformation", "Task", "{T}", 70, "working"),
	}
	if fail {
		return append(msgs, ev("OnError", "Task", "{T}", 120, "it broke"), ev("OnPostExecute", "package1", "{P}", 40, "package ends"))
	}
	return append(msgs, ev("OnPostExecute", "Task", "{T}", 40, "task ends"), ev("OnPostExecute", "package1", "{P}", 40, "package ends"))
}

// allViewNames lists every object View serves, sorted: the SSISDB
// catalog's and the sys.* views.
func allViewNames() []string {
	names := append(ViewNames(), "sys.server_principals", "sys.database_principals", "sys.database_role_members",
		"sys.server_role_members", "sys.databases", "sys.schemas")
	slices.Sort(names)
	return names
}

func dumpRow(w *strings.Builder, r rows.Row) {
	for i, v := range r {
		if i > 0 {
			w.WriteString(" | ")
		}
		w.WriteString(v.GoString())
	}
	w.WriteByte('\n')
}

// TestViewsGolden pins what every view returns, scanned and sought, for
// callers with different rights: the row producers may be rewritten for
// speed, but not change a value or its type. Run with -update to rewrite
// testdata/views.golden after an intended change.
func TestViewsGolden(t *testing.T) {
	want := viewsDump(t)
	path := filepath.Join("testdata", "views.golden")
	if *update {
		must(t, os.MkdirAll("testdata", 0o755))
		must(t, os.WriteFile(path, []byte(want), 0o644))
		return
	}
	golden, err := os.ReadFile(path)
	must(t, err)
	sameText(t, path, want, string(golden))
	// Chunks so small that scans pause inside every list (of an
	// operation's messages, a project's parameters, a role's members, ...)
	// return the same rows.
	for _, size := range []int{1, 5, 40} {
		t.Run(fmt.Sprintf("chunk=%d", size), func(t *testing.T) {
			defer func(old int) { chunkValues = old }(chunkValues)
			chunkValues = size
			sameText(t, path, viewsDump(t), string(golden))
		})
	}
}

// viewsDump renders every view of richCatalog as four callers.
func viewsDump(t *testing.T) string {
	e := richCatalog(t)
	var out strings.Builder
	for _, login := range []string{lAdmin, lReader, lObj, lNobody} {
		caller := e.as(login)
		for _, name := range allViewNames() {
			schema, view, _ := strings.Cut(name, ".")
			src, ok := e.c.View(SSISDB, schema, view, caller)
			if !ok {
				t.Fatalf("no view %s", name)
			}
			fmt.Fprintf(&out, "== %s as %s\n", name, login)
			err := src.Scan(e.ctx, func(r rows.Row) bool { dumpRow(&out, r); return true })
			if err != nil {
				fmt.Fprintf(&out, "error: %v\n", err)
			}
			sk, ok := src.(rows.Seeker)
			if !ok {
				continue
			}
			// Seek each key column for the values the scan returned, and
			// for one that matches nothing.
			var keys [][]sqltype.Value
			_ = src.Scan(e.ctx, func(r rows.Row) bool {
				ks := make([]sqltype.Value, len(r))
				copy(ks, r)
				keys = append(keys, ks)
				return true
			})
			for _, col := range sk.SeekColumns() {
				seen := map[string]bool{}
				probe := func(key sqltype.Value) {
					fmt.Fprintf(&out, "-- seek %s = %s\n", src.Columns()[col].Name, key.GoString())
					err := sk.Seek(e.ctx, col, key, func(r rows.Row) bool { dumpRow(&out, r); return true })
					if err != nil {
						fmt.Fprintf(&out, "error: %v\n", err)
					}
				}
				for _, r := range keys {
					if k := r[col].GoString(); !seen[k] {
						seen[k] = true
						probe(r[col])
					}
				}
				if src.Columns()[col].Type.Kind == sqltype.UniqueIdentifier {
					probe(sqltype.NewUniqueIdentifier(uuid.Nil))
				} else if src.Columns()[col].Type.Kind.IsString() {
					probe(sqltype.NewNVarChar("nothing"))
				} else {
					probe(sqltype.NewBigInt(999999))
				}
			}
		}
	}
	return out.String()
}

func sameText(t *testing.T, path, got, want string) {
	t.Helper()
	if got != want {
		gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("views differ from %s at line %d:\ngot  %s\nwant %s", path, i+1, g, w)
			}
		}
	}
}
