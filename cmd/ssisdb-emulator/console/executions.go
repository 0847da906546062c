package console

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// maxReportRows bounds the rows one report page lists; counts and charts
// still cover every execution that matches.
const maxReportRows = 500

// exec is one row of catalog.executions as the pages use it.
type exec struct {
	ID                       int64
	Status                   int64
	Folder, Project, Package string
	Created, Start, End      time.Time
	WorkerID                 uuid.UUID
	Machine                  string
	Attempts                 int64
	Use32                    bool
	CallerName, ExecutedAs   string
	StoppedBy                string
	Environment              string
	ServerName               string
	ProjectLSN               int64
}

func (e exec) when() time.Time {
	if !e.Start.IsZero() {
		return e.Start
	}
	return e.Created
}

func (e exec) duration(now time.Time) (time.Duration, bool) {
	switch {
	case e.Start.IsZero():
		return 0, false
	case !e.End.IsZero():
		return e.End.Sub(e.Start), true
	case active(e.Status):
		return now.Sub(e.Start), true
	}
	return 0, false
}

func readExec(t table, r rows.Row) exec {
	e := exec{
		ID: t.i64(r, "execution_id"), Status: t.i64(r, "status"), Folder: t.str(r, "folder_name"),
		Project: t.str(r, "project_name"), Package: t.str(r, "package_name"), Created: t.time(r, "created_time"),
		Start: t.time(r, "start_time"), End: t.time(r, "end_time"), WorkerID: t.guid(r, "worker_agent_id"),
		Machine: t.str(r, "machine_name"), Attempts: t.i64(r, "executed_count"), Use32: t.bit(r, "use32bitruntime"),
		CallerName: t.str(r, "caller_name"), ExecutedAs: t.str(r, "executed_as_name"),
		StoppedBy: t.str(r, "stopped_by_name"), ServerName: t.str(r, "server_name"), ProjectLSN: t.i64(r, "project_lsn"),
	}
	if !t.null(r, "environment_name") {
		e.Environment = t.str(r, "environment_name")
		if f := t.str(r, "environment_folder_name"); f != "" {
			e.Environment = f + "/" + e.Environment
		}
	}
	return e
}

// workerNames maps the workers the caller may see to their display names
// (machine name when no display name is set).
func (c *Console) workerNames(q *request) map[uuid.UUID]string {
	out := map[uuid.UUID]string{}
	t, err := c.read(q.ctx(), q.caller, "catalog", "worker_agents")
	if err != nil {
		return out
	}
	for _, r := range t.rows {
		name := t.str(r, "DisplayName")
		if name == "" {
			name = t.str(r, "MachineName")
		}
		out[t.guid(r, "WorkerAgentId")] = name
	}
	return out
}

func workerLabel(e exec, names map[uuid.UUID]string) string {
	if e.WorkerID != uuid.Nil {
		if n, ok := names[e.WorkerID]; ok && n != "" {
			return n
		}
		if e.Machine != "" {
			return e.Machine
		}
		return e.WorkerID.String()
	}
	return e.Machine
}

type option struct {
	Value, Label string
	Selected     bool
}

// reportFilter is the All Executions filter, as typed and as parsed.
type reportFilter struct {
	Range, From, To, Status, Folder, Project, Package, IDs string

	from, to time.Time
	status   int64
	ids      map[int64]bool
	errs     []string
}

var rangeChoices = []struct {
	Value, Label string
	D            time.Duration
}{{"all", "All time", 0}, {"1h", "Last hour", time.Hour}, {"24h", "Last 24 hours", 24 * time.Hour},
	{"7d", "Last 7 days", 7 * 24 * time.Hour}, {"30d", "Last 30 days", 30 * 24 * time.Hour}, {"custom", "Between...", 0}}

const inputTimeLayout = "2006-01-02T15:04"

func (c *Console) parseFilter(v url.Values) reportFilter {
	f := reportFilter{Range: v.Get("range"), From: v.Get("from"), To: v.Get("to"), Status: v.Get("status"),
		Folder: strings.TrimSpace(v.Get("folder")), Project: strings.TrimSpace(v.Get("project")),
		Package: strings.TrimSpace(v.Get("package")), IDs: v.Get("ids")}
	now := c.clk.Now()
	if f.Range == "" {
		f.Range = "all"
		if f.From != "" || f.To != "" {
			f.Range = "custom"
		}
	}
	known := false
	for _, rc := range rangeChoices {
		if rc.Value == f.Range {
			known = true
			if rc.D > 0 {
				f.from = now.Add(-rc.D)
			}
		}
	}
	if !known {
		f.errs = append(f.errs, fmt.Sprintf("Unknown time range %q: showing all time.", f.Range))
		f.Range = "all"
	}
	if f.Range == "custom" {
		parse := func(s, what string) time.Time {
			if s == "" {
				return time.Time{}
			}
			for _, layout := range []string{inputTimeLayout, inputTimeLayout + ":05", "2006-01-02"} {
				if t, err := time.ParseInLocation(layout, s, now.Location()); err == nil {
					return t
				}
			}
			f.errs = append(f.errs, fmt.Sprintf("The %s time %q is not a date and time (YYYY-MM-DDThh:mm).", what, s))
			return time.Time{}
		}
		f.from, f.to = parse(f.From, "start"), parse(f.To, "end")
	}
	if f.Status != "" {
		n, err := strconv.ParseInt(f.Status, 10, 64)
		if _, ok := statusNames[n]; err != nil || !ok {
			f.errs = append(f.errs, fmt.Sprintf("Unknown status %q: showing every status.", f.Status))
			f.Status = ""
		} else {
			f.status = n
		}
	}
	if f.IDs != "" {
		f.ids = map[int64]bool{}
		for _, s := range strings.Split(f.IDs, ",") {
			if n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
				f.ids[n] = true
			}
		}
	}
	return f
}

func containsFold(s, sub string) bool {
	return sub == "" || strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func (f reportFilter) match(e exec) bool {
	if f.ids != nil && !f.ids[e.ID] {
		return false
	}
	if f.status != 0 && e.Status != f.status {
		return false
	}
	w := e.when()
	if !f.from.IsZero() && w.Before(f.from) || !f.to.IsZero() && w.After(f.to) {
		return false
	}
	return containsFold(e.Folder, f.Folder) && containsFold(e.Project, f.Project) && containsFold(e.Package, f.Package)
}

type execRow struct {
	ID                                       int64
	Status                                   int64
	StatusName, StatusClass                  string
	Folder, Project, Package                 string
	Start, End, Duration, Worker, WorkerFull string
	Active                                   bool
}

type reportPage struct {
	Filter                      reportFilter
	Errors                      []string
	Ranges, Statuses            []option
	Folders, Projects, Packages []string
	Failed, Running, Succeeded  int
	Others, Total               int
	Rows                        []execRow
	Truncated                   bool
	Timeline                    *timelineChart
	Durations                   *durationChart
}

func (c *Console) report(w http.ResponseWriter, q *request) {
	f := c.parseFilter(q.URL.Query())
	p := reportPage{Filter: f, Errors: f.errs}
	for _, rc := range rangeChoices {
		p.Ranges = append(p.Ranges, option{Value: rc.Value, Label: rc.Label, Selected: rc.Value == f.Range})
	}
	p.Statuses = append(p.Statuses, option{Value: "", Label: "All statuses", Selected: f.Status == ""})
	for _, s := range statusOrder {
		v := strconv.FormatInt(s, 10)
		p.Statuses = append(p.Statuses, option{Value: v, Label: statusName(s), Selected: v == f.Status})
	}
	t, err := c.read(q.ctx(), q.caller, "catalog", "executions")
	if err != nil {
		p.Errors = append(p.Errors, c.sqlText(err))
	}
	now := c.clk.Now()
	names := c.workerNames(q)
	folders, projects, packages := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var matched []exec
	anyActive := false
	for _, r := range t.rows {
		e := readExec(t, r)
		folders[e.Folder], projects[e.Project], packages[e.Package] = true, true, true
		if !f.match(e) {
			continue
		}
		matched = append(matched, e)
		switch e.Status {
		case statusFailed:
			p.Failed++
		case statusRunning:
			p.Running++
		case statusSucceeded:
			p.Succeeded++
		default:
			p.Others++
		}
		anyActive = anyActive || active(e.Status)
	}
	p.Total = len(matched)
	p.Folders, p.Projects, p.Packages = sortedKeys(folders), sortedKeys(projects), sortedKeys(packages)
	slices.SortFunc(matched, func(a, b exec) int { return cmp.Compare(b.ID, a.ID) })
	for i, e := range matched {
		if i == maxReportRows {
			p.Truncated = true
			break
		}
		p.Rows = append(p.Rows, c.execRow(e, names, now))
	}
	p.Timeline = timeline(matched, f.from, f.to, now)
	p.Durations = durations(matched)
	pd := pageData{Title: "All Executions", Nav: "executions", Data: p}
	if anyActive {
		pd.RefreshMS = c.refresh.Milliseconds()
	}
	c.render(w, q, http.StatusOK, "report", pd)
}

func (c *Console) execRow(e exec, names map[uuid.UUID]string, now time.Time) execRow {
	r := execRow{ID: e.ID, Status: e.Status, StatusName: statusName(e.Status), StatusClass: statusClass(e.Status),
		Folder: e.Folder, Project: e.Project, Package: e.Package, Start: fmtTime(e.Start), End: fmtTime(e.End),
		Worker: workerLabel(e, names), Active: active(e.Status)}
	if e.WorkerID != uuid.Nil {
		r.WorkerFull = e.WorkerID.String()
	}
	if d, ok := e.duration(now); ok {
		r.Duration = fmtSeconds(d)
	}
	return r
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out
}

// findExec reads one execution the caller may see.
func (c *Console) findExec(q *request) (exec, bool) {
	id, err := strconv.ParseInt(q.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return exec{}, false
	}
	t, err := c.readWhere(q.ctx(), q.caller, "catalog", "executions", "execution_id", sqltype.NewBigInt(id))
	if err != nil || len(t.rows) == 0 {
		return exec{}, false
	}
	return readExec(t, t.rows[0]), true
}

func (c *Console) notFoundExec(w http.ResponseWriter, q *request) {
	c.fail(w, q.Request, q, http.StatusNotFound, fmt.Sprintf(
		"Execution %q does not exist, or you do not have permission to see it.", q.PathValue("id")))
}

type paramRow struct {
	Scope, Name, DataType, Value  string
	Sensitive, Required, ValueSet bool
	Override, HasValue            bool
}

type statRow struct {
	Name, Path, Start, End, Duration, Result, ResultClass string
}

type taskInfo struct {
	Status, Attempts, Workers, Ready, Picked, Lease, Worker string
	Cancelled                                               bool
}

type overviewPage struct {
	Exec                               execRow
	Detail                             exec
	Created, Attempts, Use32, Duration string
	WorkerID                           string
	Params                             []paramRow
	Stats                              []statRow
	Task                               *taskInfo
	Problems                           []msgRow
	ProblemCount                       int
	MessageCount                       int
	CanStop                            bool
	Notice, Error                      string
}

var execResults = map[int64]string{0: "Succeeded", 1: "Failed", 2: "Completed", 3: "Canceled"}

var taskStatusNames = map[int64]string{
	scaleout.TaskReady: "Ready (waiting for a worker)", scaleout.TaskDispatched: "Dispatched",
	scaleout.TaskInProgress: "In progress", scaleout.TaskFailed: "Failed", scaleout.TaskSucceeded: "Succeeded",
	scaleout.TaskCancelled: "Cancelled",
}

func (c *Console) overview(w http.ResponseWriter, q *request) {
	notice := ""
	if n, err := strconv.ParseInt(q.URL.Query().Get("stopped"), 10, 64); err == nil && n > 0 {
		notice = fmt.Sprintf("Stop requested (stop operation %d). The worker stops the package at its next heartbeat.", n)
	}
	c.renderOverview(w, q, http.StatusOK, notice, "")
}

func (c *Console) renderOverview(w http.ResponseWriter, q *request, status int, notice, errText string) {
	e, ok := c.findExec(q)
	if !ok {
		c.notFoundExec(w, q)
		return
	}
	now := c.clk.Now()
	names := c.workerNames(q)
	p := overviewPage{Exec: c.execRow(e, names, now), Detail: e, Created: fmtTime(e.Created), Notice: notice, Error: errText}
	if e.Attempts > 0 {
		p.Attempts = strconv.FormatInt(e.Attempts, 10)
	}
	p.Use32 = "No"
	if e.Use32 {
		p.Use32 = "Yes"
	}
	if e.WorkerID != uuid.Nil {
		p.WorkerID = e.WorkerID.String()
	}
	key := sqltype.NewBigInt(e.ID)
	if t, err := c.readWhere(q.ctx(), q.caller, "catalog", "execution_parameter_values", "execution_id", key); err == nil {
		for _, r := range t.rows {
			pr := paramRow{Scope: objectTypeNames[t.i64(r, "object_type")], Name: t.str(r, "parameter_name"),
				DataType: t.str(r, "parameter_data_type"), Sensitive: t.bit(r, "sensitive"), Required: t.bit(r, "required"),
				ValueSet: t.bit(r, "value_set"), Override: t.bit(r, "runtime_override")}
			if v := t.val(r, "parameter_value"); !pr.Sensitive && !v.IsNull() {
				pr.Value, pr.HasValue = displayValue(pr.DataType, v), true
			}
			p.Params = append(p.Params, pr)
		}
	}
	p.Stats = c.execStats(q, e.ID, now)
	p.Task = c.taskInfo(q, e.ID, names)
	msgs := c.execMessages(q, e.ID)
	p.MessageCount = len(msgs)
	for _, m := range msgs {
		if m.Type == 110 || m.Type == 120 || m.Type == 130 {
			p.ProblemCount++
			if len(p.Problems) < 10 {
				p.Problems = append(p.Problems, m)
			}
		}
	}
	p.CanStop = e.Status == statusRunning && c.mayModifyOperation(q, e.ID)
	pd := pageData{Title: fmt.Sprintf("Execution %d", e.ID), Nav: "executions", Data: p}
	if active(e.Status) {
		pd.RefreshMS = c.refresh.Milliseconds()
	}
	c.render(w, q, status, "overview", pd)
}

// displayValue shows a parameter value the way the Execute dialog does
// (True/False for Boolean).
func displayValue(dataType string, v sqltype.Value) string {
	if v.IsNull() {
		return ""
	}
	if strings.EqualFold(dataType, "Boolean") && v.Kind().IsInteger() {
		if v.Int64() != 0 {
			return "True"
		}
		return "False"
	}
	return sqltype.Format(v)
}

func (c *Console) execStats(q *request, id int64, now time.Time) []statRow {
	ex, err := c.read(q.ctx(), q.caller, "catalog", "executables")
	if err != nil {
		return nil
	}
	names := map[int64][2]string{}
	for _, r := range ex.rows {
		if ex.i64(r, "execution_id") == id {
			names[ex.i64(r, "executable_id")] = [2]string{ex.str(r, "executable_name"), ex.str(r, "package_path")}
		}
	}
	st, err := c.read(q.ctx(), q.caller, "catalog", "executable_statistics")
	if err != nil {
		return nil
	}
	var out []statRow
	for _, r := range st.rows {
		if st.i64(r, "execution_id") != id {
			continue
		}
		n := names[st.i64(r, "executable_id")]
		s := statRow{Name: n[0], Path: st.str(r, "execution_path"), Start: fmtTime(st.time(r, "start_time")),
			End: fmtTime(st.time(r, "end_time"))}
		if s.Path == "" {
			s.Path = n[1]
		}
		if st.null(r, "execution_result") {
			s.Result, s.ResultClass = "Running", "live"
			if start := st.time(r, "start_time"); !start.IsZero() {
				s.Duration = fmtSeconds(now.Sub(start))
			}
		} else {
			res := st.i64(r, "execution_result")
			s.Result = execResults[res]
			s.ResultClass = map[int64]string{0: "ok", 1: "bad"}[res]
			s.Duration = fmtSeconds(time.Duration(st.i64(r, "execution_duration")) * time.Millisecond)
		}
		out = append(out, s)
	}
	return out
}

// taskInfo reads the Scale Out task behind an execution from the internal
// tables, which only ssis_admin and sysadmin may read (229 for others: the
// section is then left out).
func (c *Console) taskInfo(q *request, id int64, names map[uuid.UUID]string) *taskInfo {
	ie, err := c.readWhere(q.ctx(), q.caller, "internal", "executions", "execution_id", sqltype.NewBigInt(id))
	if err != nil || len(ie.rows) == 0 {
		return nil
	}
	job := ie.guid(ie.rows[0], "job_id")
	if job == uuid.Nil {
		return nil
	}
	tasks, err := c.read(q.ctx(), q.caller, "internal", "tasks")
	if err != nil {
		return nil
	}
	ti := &taskInfo{Status: "No task yet (the execution has not been started)"}
	for _, r := range tasks.rows {
		if tasks.guid(r, "JobId") != job {
			continue
		}
		ti.Status = taskStatusNames[tasks.i64(r, "Status")]
		ti.Attempts = fmt.Sprintf("%d of %d (retry count %d)", tasks.i64(r, "ExecutedCount"),
			tasks.i64(r, "MaxExecutedCount"), tasks.i64(r, "MaxExecutedCount")-1)
		ti.Ready = fmtTime(tasks.time(r, "ReadyForDispatchTime"))
		ti.Picked = fmtTime(tasks.time(r, "LastPickupTime"))
		ti.Lease = fmtTime(tasks.time(r, "ExpiredTime"))
		ti.Cancelled = tasks.bit(r, "IsCancelled")
		if wid := tasks.guid(r, "WorkerAgentId"); wid != uuid.Nil {
			ti.Worker = cmp.Or(names[wid], wid.String())
		}
	}
	if jw, err := c.read(q.ctx(), q.caller, "internal", "job_worker_agents"); err == nil {
		var allowed []string
		for _, r := range jw.rows {
			if jw.guid(r, "JobId") != job {
				continue
			}
			wid := jw.guid(r, "WorkerAgentId")
			if wid == scaleout.AllWorkers {
				allowed = append(allowed, "any worker")
			} else {
				allowed = append(allowed, cmp.Or(names[wid], wid.String()))
			}
		}
		ti.Workers = strings.Join(allowed, ", ")
		if ti.Workers == "" {
			ti.Workers = "none added yet"
		}
	}
	return ti
}

// mayModifyOperation: stop_operation needs READ and MODIFY on the
// operation (the catalog decides; this only hides a button that would fail).
func (c *Console) mayModifyOperation(q *request, id int64) bool {
	if q.user.Admin {
		return true
	}
	t, err := c.read(q.ctx(), q.caller, "catalog", "effective_object_permissions")
	if err != nil {
		return false
	}
	for _, r := range t.rows {
		if t.i64(r, "object_type") == 4 && t.i64(r, "object_id") == id && t.i64(r, "permission_type") == 2 {
			return true
		}
	}
	return false
}

type msgRow struct {
	Time, TypeName, Class, SourceType, Source, Event, Message, Path string
	Type                                                            int64
}

// execMessages merges operation_messages (every message) with
// event_messages (the event's source, name and path, for messages a package
// logged); both list an operation's messages in the same order.
func (c *Console) execMessages(q *request, id int64) []msgRow {
	key := sqltype.NewBigInt(id)
	om, err := c.readWhere(q.ctx(), q.caller, "catalog", "operation_messages", "operation_id", key)
	if err != nil {
		return nil
	}
	em, _ := c.readWhere(q.ctx(), q.caller, "catalog", "event_messages", "operation_id", key)
	j := 0
	out := make([]msgRow, 0, len(om.rows))
	for _, r := range om.rows {
		m := msgRow{Type: om.i64(r, "message_type"), Time: fmtTime(om.time(r, "message_time")),
			SourceType: sourceTypeNames[om.i64(r, "message_source_type")], Message: om.str(r, "message")}
		m.TypeName, m.Class = messageTypeName(m.Type), messageClass(m.Type)
		if j < len(em.rows) {
			er := em.rows[j]
			if em.i64(er, "message_type") == m.Type && em.str(er, "message") == m.Message &&
				em.time(er, "message_time").Equal(om.time(r, "message_time")) {
				m.Source, m.Event, m.Path = em.str(er, "message_source_name"), em.str(er, "event_name"), em.str(er, "package_path")
				j++
			}
		}
		out = append(out, m)
	}
	return out
}

type messagesPage struct {
	Exec     execRow
	Messages []msgRow
	Only     string
	Total    int
}

func (c *Console) messages(w http.ResponseWriter, q *request) {
	e, ok := c.findExec(q)
	if !ok {
		c.notFoundExec(w, q)
		return
	}
	p := messagesPage{Exec: c.execRow(e, c.workerNames(q), c.clk.Now()), Only: q.URL.Query().Get("only")}
	all := c.execMessages(q, e.ID)
	p.Total = len(all)
	for _, m := range all {
		if p.Only == "problems" && m.Type != 110 && m.Type != 120 && m.Type != 130 {
			continue
		}
		p.Messages = append(p.Messages, m)
	}
	pd := pageData{Title: fmt.Sprintf("Messages of execution %d", e.ID), Nav: "executions", Data: p}
	if active(e.Status) {
		pd.RefreshMS = c.refresh.Milliseconds()
	}
	c.render(w, q, http.StatusOK, "messages", pd)
}

// stop is catalog.stop_operation for the execution.
func (c *Console) stop(w http.ResponseWriter, q *request) {
	e, ok := c.findExec(q)
	if !ok {
		c.notFoundExec(w, q)
		return
	}
	id := e.ID
	stopID, err := c.cat.StopOperation(q.ctx(), nil, q.caller, &id)
	if err != nil {
		c.renderOverview(w, q, http.StatusOK, "", c.sqlText(err))
		return
	}
	c.log.Info("console: stop requested", "login", q.caller.Login, "execution", id, "stop_operation", stopID)
	http.Redirect(w, q.Request, fmt.Sprintf("/executions/%d?stopped=%d", id, stopID), http.StatusSeeOther)
}
