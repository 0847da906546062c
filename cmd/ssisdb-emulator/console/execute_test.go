package console_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// OK runs create_execution (Scale Out), set_execution_parameter_value for
// what was changed, the overrides, add_execution_worker per chosen worker and
// start_execution with the retry count, per package.
func TestExecuteRunsTheProcedures(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.signedIn(admin, adminPW)

	// The package selection lists the demo packages; the settings page shows
	// their parameters with the server values.
	_, body := c.get("/execute")
	contains(t, body, "package1.dtsx")
	contains(t, body, "package2.dtsx")
	ids := map[string]string{}
	for _, r := range e.rows(admin, "packages") {
		ids[r["name"]] = r["package_id"]
	}
	_, body = c.get("/execute/configure?package=" + ids["package1.dtsx"] + "&package=" + ids["package2.dtsx"])
	for _, want := range []string{`name="p0.param.20.Environment" value="dev"`, `name="p0.param.30.BatchSize" value="1000"`,
		`name="p1.package" value="package2.dtsx"`, "CM.Source.ConnectionString", `NT Service\SSISScaleOutWorker140`, "Worker B"} {
		if !strings.Contains(body, want) {
			t.Fatalf("settings page lacks %q\n%s", want, body)
		}
	}

	form := executeForm([][3]string{pkg1, pkg2}, url.Values{
		"p0.param.20.Environment":                {"prod"},
		"p0.param.30.BatchSize":                  {"500"},
		"p0.param.20.CM.Source.ConnectionString": {"Data Source=db1;Initial Catalog=etl;"},
		"p0.logging":                             {"3"},
		"p0.retry":                               {"2"},
		"p0.x86":                                 {"1"},
		"p0.dump":                                {"1"},
		"p0.overrides":                           {`\Package.Properties[MaximumErrorCount]=5`},
		"p1.param.20.Environment":                {"dev"}, // unchanged: not set
		"p1.logging":                             {"0"},
		"machines":                               {"chosen"},
		"worker":                                 {workerBID},
	})
	code, body := c.post("/execute", form)
	if code != http.StatusOK || strings.Count(body, "created and started") != 2 {
		t.Fatalf("execute: %d\n%s", code, body)
	}
	got := e.lastExecutionIDs(2)
	e1, e2 := got[0], got[1]
	if !strings.Contains(body, fmt.Sprintf(`href="/executions?ids=%d%%2c%d"`, e1, e2)) {
		t.Fatalf("result page lacks the report link\n%s", body)
	}
	for _, want := range []string{"@runinscaleout=True, @useanyworker=False", "@parameter_name=N&#39;LOGGING_LEVEL&#39;, @parameter_value=CAST(3 AS smallint)",
		"[add_execution_worker] @execution_id, @workeragent_id=N&#39;" + workerBID, "@retry_count=2"} {
		if !strings.Contains(body, want) {
			t.Errorf("T-SQL equivalent lacks %q", want)
		}
	}
	e.waitFinal(e1)
	e.waitFinal(e2)
	ex := e.executions()
	for _, id := range []int64{e1, e2} {
		if r := ex[id]; r["status"] != "7" || !strings.EqualFold(r["worker_agent_id"], workerBID) {
			t.Errorf("execution %d: status %s worker %s, want 7 on %s", id, r["status"], r["worker_agent_id"], workerBID)
		}
	}
	if ex[e1]["use32bitruntime"] != "1" || ex[e2]["use32bitruntime"] != "0" {
		t.Errorf("use32bitruntime %s/%s", ex[e1]["use32bitruntime"], ex[e2]["use32bitruntime"])
	}
	params := map[string]map[string]string{}
	for _, r := range e.rows("sa", "execution_parameter_values") {
		params[r["execution_id"]+"/"+r["object_type"]+"/"+r["parameter_name"]] = r
	}
	for _, tc := range []struct{ key, value, override string }{
		{fmt.Sprintf("%d/20/Environment", e1), "prod", "1"},
		{fmt.Sprintf("%d/30/BatchSize", e1), "500", "1"},
		{fmt.Sprintf("%d/20/CM.Source.ConnectionString", e1), "Data Source=db1;Initial Catalog=etl;", "1"},
		{fmt.Sprintf("%d/50/LOGGING_LEVEL", e1), "3", "1"},
		{fmt.Sprintf("%d/50/DUMP_ON_ERROR", e1), "1", "1"},
		{fmt.Sprintf("%d/20/Environment", e2), "dev", "0"},
		{fmt.Sprintf("%d/50/LOGGING_LEVEL", e2), "0", "1"},
		{fmt.Sprintf("%d/50/DUMP_ON_ERROR", e2), "0", "0"},
	} {
		r := params[tc.key]
		if r == nil || r["parameter_value"] != tc.value || r["runtime_override"] != tc.override {
			t.Errorf("%s = %v, want value %q override %s", tc.key, r, tc.value, tc.override)
		}
	}
	ov := e.rows("sa", "execution_property_override_values")
	if len(ov) != 1 || ov[0]["property_path"] != `\Package.Properties[MaximumErrorCount]` || ov[0]["property_value"] != "5" {
		t.Errorf("overrides = %v", ov)
	}
	// The retry count went to start_execution: the task may run 3 times.
	admin := e.caller(admin)
	src, _ := e.cat.View(catalog.SSISDB, "internal", "tasks", admin)
	maxCounts := map[string]bool{}
	_ = src.Scan(e.ctx, func(r rows.Row) bool { maxCounts[sqltype.Format(r[4])] = true; return true })
	if !maxCounts["3"] || !maxCounts["1"] {
		t.Errorf("MaxExecutedCount values %v, want 3 (retry 2) and 1", maxCounts)
	}
	// Logging level None kept no messages for the second run.
	_, body = c.get(fmt.Sprintf("/executions/%d/messages", e2))
	if !strings.Contains(body, `id="no-messages"`) {
		t.Errorf("LOGGING_LEVEL 0 should keep no messages")
	}
	_, body = c.get(fmt.Sprintf("/executions/%d/messages", e1))
	if n := strings.Count(body, `class="msg`); n < 5 {
		t.Errorf("verbose run shows %d messages", n)
	}
	// The result is shown once.
	if _, body := c.get("/execute/result"); !strings.Contains(body, "No recent run") {
		t.Error("results shown twice")
	}
}

func TestExecuteAnyWorker(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.signedIn(admin, adminPW)
	code, body := c.post("/execute", executeForm([][3]string{pkg1}, nil))
	if code != http.StatusOK || !strings.Contains(body, "@useanyworker=True") {
		t.Fatalf("%d\n%s", code, body)
	}
	id := e.lastExecutionIDs(1)[0]
	e.waitFinal(id)
	jw := e.rowsInternal(admin, "job_worker_agents")
	if len(jw) != 1 || jw[0][1] != "11111111-1111-1111-1111-111111111111" {
		t.Errorf("job_worker_agents = %v, want the all-workers row only", jw)
	}
}

func (e *env) rowsInternal(login, table string) [][]string {
	e.t.Helper()
	src, ok := e.cat.View(catalog.SSISDB, "internal", table, e.caller(login))
	if !ok {
		e.t.Fatalf("no internal.%s", table)
	}
	var out [][]string
	if err := src.Scan(e.ctx, func(r rows.Row) bool {
		row := make([]string, len(r))
		for i, v := range r {
			row[i] = strings.ToLower(sqltype.Format(v))
		}
		out = append(out, row)
		return true
	}); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// A form with a value the parameter's type cannot take, a bad retry count
// or an inconsistent machine choice runs nothing and says why.
func TestExecuteFormErrors(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.signedIn(admin, adminPW)
	cases := []struct {
		name  string
		extra url.Values
		want  string
	}{
		{"Int32 parameter", url.Values{"p0.param.30.BatchSize": {"12x"}},
			"Package parameter BatchSize (Int32): Msg 245, Level 16, State 1: Conversion failed when converting the nvarchar value '12x' to data type int."},
		{"Int32 overflow", url.Values{"p0.param.30.BatchSize": {"3000000000"}}, "Package parameter BatchSize (Int32): Msg 248"},
		{"negative retry", url.Values{"p0.retry": {"-1"}}, `Retry count must be a whole number from 0 to 2147483646, not "-1".`},
		{"retry not a number", url.Values{"p0.retry": {"twice"}}, "Retry count must be a whole number"},
		{"logging level", url.Values{"p0.logging": {"7"}}, `Logging level "7" is not one of the levels offered.`},
		{"override shape", url.Values{"p0.overrides": {"MaximumErrorCount=5"}}, `Property override line 1 must read`},
		{"chosen without workers", url.Values{"machines": {"chosen"}}, "Tick at least one worker"},
		{"any with workers", url.Values{"worker": {demoID}}, "Workers are ticked but"},
		{"bad worker id", url.Values{"machines": {"chosen"}, "worker": {"not-a-guid"}}, `"not-a-guid" is not a worker agent id.`},
	}
	before := len(e.executions())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, body := c.post("/execute", executeForm([][3]string{pkg1}, tc.extra))
			if code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", code)
			}
			contains(t, body, tc.want)
			contains(t, body, "Nothing was run")
			// The dialog comes back with what was typed.
			for k, v := range tc.extra {
				if strings.HasPrefix(k, "p0.param") && !strings.Contains(body, `value="`+v[0]+`"`) {
					t.Errorf("typed value %q not kept", v[0])
				}
			}
		})
	}
	if n := len(e.executions()); n != before {
		t.Fatalf("invalid forms created %d executions", n-before)
	}
	if code, _ := c.post("/execute", url.Values{"count": {"0"}}); code != http.StatusBadRequest {
		t.Errorf("empty selection: %d", code)
	}
	if _, body := c.get("/execute/configure"); !strings.Contains(body, "Choose at least one package.") {
		t.Error("configure without packages should ask for one")
	}
}

var opLink = regexp.MustCompile(`logged the failed call as operation <b class="op">(\d+)</b>`)

// Every login goes through the catalog's own checks, with its numbers and
// texts in the page.
func TestExecutePermissions(t *testing.T) {
	e := newEnv(t, envOpts{})
	cases := []struct {
		login    string
		started  bool
		want     string
		readOnly bool
		created  bool // an operation row exists (create_execution failed after inserting it)
	}{
		{login: admin, started: true},
		{login: executor, started: true},
		{login: plain, want: "Msg 27178, Level 16, State 1: Unable to execute the project named 'project1'. You do not have sufficient permissions.", created: true},
		{login: reader, want: "Msg 27146, Level 16, State 1: Cannot access the package or the package does not exist.", readOnly: true, created: true},
		{login: outsider, want: "Msg 916, Level 14, State 1: The server principal", readOnly: true},
	}
	for _, tc := range cases {
		t.Run(tc.login, func(t *testing.T) {
			pw := commonPW
			if tc.login == admin {
				pw = adminPW
			}
			c := e.signedIn(tc.login, pw)
			_, body := c.get("/execute")
			if got := strings.Contains(body, `id="read-only"`); got != tc.readOnly {
				t.Errorf("read-only banner shown = %v, want %v", got, tc.readOnly)
			}
			if tc.readOnly && !strings.Contains(body, `id="next" disabled`) {
				t.Error("Next should be disabled for a login that cannot execute")
			}
			// ssis_logreader reads projects and packages, not folders.
			if tc.login == reader && (!strings.Contains(body, "package1.dtsx") || !strings.Contains(body, "not visible to you")) {
				t.Errorf("reader's package tree:\n%s", body)
			}
			before := len(e.executions())
			code, body := c.post("/execute", executeForm([][3]string{pkg1}, nil))
			if code != http.StatusOK {
				t.Fatalf("status %d\n%s", code, body)
			}
			if tc.started {
				if !strings.Contains(body, "created and started") {
					t.Fatalf("not started\n%s", body)
				}
				id := e.lastExecutionIDs(1)[0]
				e.waitFinal(id)
				if r := e.executions()[id]; r["status"] != "7" || r["caller_name"] != tc.login {
					t.Errorf("execution %d: %v", id, r)
				}
				return
			}
			contains(t, body, tc.want)
			if after := len(e.executions()); after != before {
				t.Fatalf("a refused create_execution added to catalog.executions (%d -> %d)", before, after)
			}
			// create_execution fails after inserting its operation row, which
			// stays in catalog.operations as failed (reference §2.1 step 4).
			m := opLink.FindStringSubmatch(body)
			if tc.created != (m != nil) {
				t.Fatalf("operation mentioned = %v, want %v\n%s", m != nil, tc.created, body)
			}
			if m != nil {
				found := false
				for _, r := range e.rows("sa", "operations") {
					if r["operation_id"] == m[1] {
						found = true
						if r["status"] != "4" || r["operation_type"] != "200" {
							t.Errorf("operation %s: %v, want a failed type-200 operation", m[1], r)
						}
					}
				}
				if !found {
					t.Errorf("operation %s not in catalog.operations", m[1])
				}
			}
		})
	}
	// The outsider has no user in SSISDB: every page says so.
	c := e.signedIn(outsider, commonPW)
	_, body := c.get("/executions")
	contains(t, body, "Msg 916, Level 14, State 1: The server principal \"outsider\" is not able to access the database \"SSISDB\" under the current security context.")
}

// The report shows what catalog.executions shows the login, filtered by time
// range, status, folder, project, package and ids, with the four counters.
func TestReportFilters(t *testing.T) {
	e := newEnv(t, envOpts{rules: []runner.Rule{{Package: "package2", Outcome: runner.Fail}}})
	run := func(pkg [3]string) int64 {
		t.Helper()
		a := e.caller(admin)
		id, err := e.cat.CreateExecution(e.ctx, nil, a, catalog.CreateExecutionArgs{FolderName: &pkg[0], ProjectName: &pkg[1],
			PackageName: &pkg[2], Use32BitRuntime: new(false), RunInScaleOut: new(true), UseAnyWorker: new(true)})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.cat.StartExecution(e.ctx, nil, a, &id, nil); err != nil {
			t.Fatal(err)
		}
		e.waitFinal(id)
		return id
	}
	old1 := run(pkg1) // 09:00, day 1
	e.clk.Advance(26 * 3600e9)
	old2 := run(pkg2) // 11:00, day 2
	e.clk.Advance(3 * 3600e9)
	new1 := run(pkg1) // 14:00, day 2
	new2 := run(pkg2)
	created := func() int64 { // created, never started
		a := e.caller(admin)
		id, err := e.cat.CreateExecution(e.ctx, nil, a, catalog.CreateExecutionArgs{FolderName: &pkg1[0], ProjectName: &pkg1[1],
			PackageName: &pkg1[2], Use32BitRuntime: new(false), RunInScaleOut: new(true), UseAnyWorker: new(true)})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}()
	all := []int64{old1, old2, new1, new2, created}
	c := e.signedIn(admin, adminPW)
	cases := []struct {
		query string
		want  []int64
		count [4]int // failed, running, succeeded, others
	}{
		{"", all, [4]int{2, 0, 2, 1}},
		{"?status=4", []int64{old2, new2}, [4]int{2, 0, 0, 0}},
		{"?status=7", []int64{old1, new1}, [4]int{0, 0, 2, 0}},
		{"?status=1", []int64{created}, [4]int{0, 0, 0, 1}},
		{"?folder=FOLDER2", []int64{old2, new2}, [4]int{2, 0, 0, 0}},
		{"?project=project1&package=package1", []int64{old1, new1, created}, [4]int{0, 0, 2, 1}},
		{"?package=age2", []int64{old2, new2}, [4]int{2, 0, 0, 0}},
		{"?range=1h", []int64{new1, new2, created}, [4]int{1, 0, 1, 1}},
		{"?range=24h", []int64{old2, new1, new2, created}, [4]int{2, 0, 1, 1}},
		{"?range=custom&from=2026-03-03T10:00&to=2026-03-03T12:00", []int64{old2}, [4]int{1, 0, 0, 0}},
		{"?from=2026-03-02T00:00&to=2026-03-02T23:59", []int64{old1}, [4]int{0, 0, 1, 0}},
		{fmt.Sprintf("?ids=%d,%d", old1, new2), []int64{old1, new2}, [4]int{1, 0, 1, 0}},
		{"?status=4&folder=folder1", nil, [4]int{}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			code, body := c.get("/executions" + tc.query)
			if code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			for _, id := range all {
				want := false
				for _, w := range tc.want {
					want = want || w == id
				}
				if got := strings.Contains(body, fmt.Sprintf(`id="exec-%d"`, id)); got != want {
					t.Errorf("execution %d listed = %v, want %v", id, got, want)
				}
			}
			for i, name := range []string{"failed", "running", "succeeded", "others"} {
				if !strings.Contains(body, fmt.Sprintf(`id="count-%s">%d<`, name, tc.count[i])) {
					t.Errorf("counter %s is not %d", name, tc.count[i])
				}
			}
			if len(tc.want) == 0 && !strings.Contains(body, `id="no-executions"`) {
				t.Error("an empty result should say so")
			}
		})
	}
	// Newest first, with the report's columns.
	_, body := c.get("/executions")
	if strings.Index(body, fmt.Sprintf(`id="exec-%d"`, new2)) > strings.Index(body, fmt.Sprintf(`id="exec-%d"`, old1)) {
		t.Error("executions should be listed newest first")
	}
	row := body[strings.Index(body, fmt.Sprintf(`id="exec-%d"`, old1)):]
	row = row[:strings.Index(row, "</tr>")]
	for _, want := range []string{`data-status="7">Succeeded`, "folder1", "project1", "package1.dtsx", "2026-03-02 09:00:00", ">0.000<"} {
		if !strings.Contains(row, want) {
			t.Errorf("row of %d lacks %q:\n%s", old1, want, row)
		}
	}
	if !regexp.MustCompile(`class="worker" title="[0-9a-f-]{36}">[^<]+</td>`).MatchString(row) {
		t.Errorf("row of %d does not name its worker:\n%s", old1, row)
	}
	for _, bad := range []string{"?range=fortnight", "?status=42", "?range=custom&from=yesterday"} {
		if _, body := c.get("/executions" + bad); !strings.Contains(body, `class="banner warn"`) {
			t.Errorf("%s: no warning about the filter", bad)
		}
	}
	// The charts are there, and only for what matches.
	if !strings.Contains(body, `id="chart-timeline"`) || !strings.Contains(body, `id="chart-durations"`) {
		t.Error("charts missing")
	}
	if _, body := c.get("/executions?status=9"); strings.Contains(body, `id="chart-timeline"`) {
		t.Error("a chart drawn for no executions")
	}
}

// A failing package: the overview shows the failure, the parameters used,
// the Scale Out task (for an administrator) and the errors; All Messages
// shows every message.
func TestOverviewAndMessages(t *testing.T) {
	e := newEnv(t, envOpts{rules: []runner.Rule{{Package: "package1", Outcome: runner.Fail, Task: "Load Customers"}}})
	c := e.signedIn(admin, adminPW)
	c.post("/execute", executeForm([][3]string{pkg1}, url.Values{"p0.retry": {"1"}}))
	id := e.lastExecutionIDs(1)[0]
	e.waitFinal(id)
	_, body := c.get(fmt.Sprintf("/executions/%d", id))
	for _, want := range []string{`id="exec-status" data-status="4">Failed`, `id="exec-attempts">2<`, "Load Customers",
		`id="task-status">Failed`, "2 of 2 (retry count 1)", `id="task-workers">any worker`, `data-param="LOGGING_LEVEL"`,
		`id="problems"`} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	if strings.Contains(body, `id="stop"`) {
		t.Error("a finished execution offers Stop")
	}
	_, body = c.get(fmt.Sprintf("/executions/%d/messages", id))
	for _, want := range []string{"OnError", "OnTaskFailed", "Load Customers", `data-type="120"`, `data-type="30"`} {
		if !strings.Contains(body, want) {
			t.Errorf("messages lack %q", want)
		}
	}
	all := strings.Count(body, `class="msg`)
	_, body = c.get(fmt.Sprintf("/executions/%d/messages?only=problems", id))
	if n := strings.Count(body, `class="msg`); n == 0 || n >= all || strings.Contains(body, `data-type="30"`) {
		t.Errorf("problems only: %d of %d messages", n, all)
	}
	// ssis_logreader reads the same execution, without the internal tables.
	r := e.signedIn(reader, commonPW)
	code, body := r.get(fmt.Sprintf("/executions/%d", id))
	if code != http.StatusOK || !strings.Contains(body, `data-status="4">Failed`) || strings.Contains(body, `id="task"`) {
		t.Errorf("reader overview: %d\n%s", code, body)
	}
	if _, body := r.get(fmt.Sprintf("/executions/%d/messages", id)); !strings.Contains(body, "OnError") {
		t.Error("reader cannot read the messages")
	}
	// A login that may not read the operation sees nothing of it.
	p := e.signedIn(plain, commonPW)
	if code, _ := p.get(fmt.Sprintf("/executions/%d", id)); code != http.StatusNotFound {
		t.Errorf("plain login reads another login's execution: %d", code)
	}
	if _, body := p.get("/executions"); strings.Contains(body, fmt.Sprintf(`id="exec-%d"`, id)) {
		t.Error("plain login lists another login's execution")
	}
}

// While an execution runs, its pages carry the refresh marker; Stop calls
// stop_operation for those who may.
func TestRunningExecutionRefreshAndStop(t *testing.T) {
	e := newEnv(t, envOpts{rules: []runner.Rule{{Package: "package1", Outcome: runner.Hang},
		{Package: "package2", Duration: 30e9}}})
	c := e.signedIn(admin, adminPW)
	c.post("/execute", executeForm([][3]string{pkg1, pkg2}, nil))
	ids := e.lastExecutionIDs(2)
	hang, timed := ids[0], ids[1]
	e.settle()
	for _, pg := range []string{"/executions", fmt.Sprintf("/executions/%d", timed), fmt.Sprintf("/executions/%d/messages", timed)} {
		if _, body := c.get(pg); !strings.Contains(body, `data-refresh="200"`) {
			t.Errorf("%s: no refresh marker while running", pg)
		}
	}
	e.clk.Advance(30e9)
	e.waitFinal(timed)
	if _, body := c.get(fmt.Sprintf("/executions/%d", timed)); strings.Contains(body, "data-refresh") ||
		!strings.Contains(body, `id="exec-duration">30.000<`) {
		t.Errorf("finished execution page:\n%s", body)
	}
	// The reader cannot stop; the button is hidden and the catalog refuses.
	r := e.signedIn(reader, commonPW)
	if _, body := r.get(fmt.Sprintf("/executions/%d", hang)); strings.Contains(body, `id="stop"`) {
		t.Error("reader is offered Stop")
	}
	_, body := r.post(fmt.Sprintf("/executions/%d/stop", hang), nil)
	contains(t, body, fmt.Sprintf("Msg 27143, Level 16, State 1: Cannot access the operation with ID, '%d'.", hang))
	_, body = c.get(fmt.Sprintf("/executions/%d", hang))
	if !strings.Contains(body, `id="stop"`) {
		t.Fatal("admin is not offered Stop for a running execution")
	}
	code, body := c.post(fmt.Sprintf("/executions/%d/stop", hang), nil)
	if code != http.StatusOK || !strings.Contains(body, "Stop requested") {
		t.Fatalf("stop: %d\n%s", code, body)
	}
	e.waitFinal(hang)
	if r := e.executions()[hang]; r["status"] != "3" || r["stopped_by_name"] != admin {
		t.Errorf("stopped execution: %v", r)
	}
}

// Scale Out Manager: administrators enable, disable and edit; others see
// what catalog.worker_agents shows them and the catalog refuses their
// actions with 229.
func TestScaleOutManager(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.signedIn(admin, adminPW)
	_, body := c.get("/workers")
	for _, want := range []string{"Worker B", "SSISW-B", `NT Service\SSISScaleOutWorker140`, "0 / 4", "0 / 10", "Disable Worker", "Online"} {
		contains(t, body, want)
	}
	if code, _ := c.post("/workers/"+workerBID+"/disable", nil); code != http.StatusOK || workerEnabled(e, workerBID) {
		t.Fatal("disable did not disable")
	}
	_, body = c.get("/workers")
	row := body[strings.Index(body, `id="worker-`+workerBID):]
	if !strings.Contains(row[:strings.Index(row, "</tr>")], "Enable Worker") {
		t.Error("a disabled worker should offer Enable")
	}
	if c.post("/workers/"+workerBID+"/enable", nil); !workerEnabled(e, workerBID) {
		t.Fatal("enable did not enable")
	}
	_, body = c.get("/workers/" + workerBID + "/edit")
	if !strings.Contains(body, `value="Worker B"`) {
		t.Error("edit form does not show the display name")
	}
	c.post("/workers/"+workerBID+"/edit", url.Values{"DisplayName": {"Loader 2"}, "Description": {"rack 4"}, "Tags": {"etl;big"}})
	for _, w := range e.rows("sa", "worker_agents") {
		if strings.EqualFold(w["WorkerAgentId"], workerBID) && (w["DisplayName"] != "Loader 2" || w["Description"] != "rack 4" || w["Tags"] != "etl;big") {
			t.Errorf("edit did not reach the catalog: %v", w)
		}
	}
	// Unknown worker: the catalog's 27243.
	_, body = c.post("/workers/00000000-0000-4000-8000-0000000000ff/disable", nil)
	contains(t, body, "Msg 27243")

	cases := []struct {
		login       string
		seesWorkers bool
	}{{executor, true}, {reader, false}, {plain, false}}
	for _, tc := range cases {
		t.Run(tc.login, func(t *testing.T) {
			u := e.signedIn(tc.login, commonPW)
			_, body := u.get("/workers")
			if got := strings.Contains(body, "Loader 2"); got != tc.seesWorkers {
				t.Errorf("sees workers = %v, want %v", got, tc.seesWorkers)
			}
			if strings.Contains(body, "Disable Worker") || strings.Contains(body, `class="edit"`) {
				t.Error("actions offered to a non-administrator")
			}
			_, body = u.post("/workers/"+workerBID+"/disable", nil)
			contains(t, body, "Msg 229, Level 14, State 5: The EXECUTE permission was denied on the object 'disable_worker_agent', database 'SSISDB', schema 'catalog'.")
			_, body = u.post("/workers/"+workerBID+"/edit", url.Values{"DisplayName": {"hijacked"}})
			contains(t, body, "Msg 229")
			if !workerEnabled(e, workerBID) {
				t.Fatal("a refused disable disabled the worker")
			}
		})
	}
}
