package console

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// maxPackagesPerRun bounds one Execute in Scale Out submission.
const maxPackagesPerRun = 50

// pkgInfo is a package the caller can see, with its project and folder.
type pkgInfo struct {
	ID, ProjectID, FolderID int64
	Folder, Project, Name   string
	EntryPoint              bool
}

// catalogTree reads folders, projects and packages as the caller sees them.
func (c *Console) catalogTree(q *request) ([]pkgInfo, error) {
	ft, err := c.read(q.ctx(), q.caller, "catalog", "folders")
	if err != nil {
		return nil, err
	}
	folders := map[int64]string{}
	for _, r := range ft.rows {
		folders[ft.i64(r, "folder_id")] = ft.str(r, "name")
	}
	pt, err := c.read(q.ctx(), q.caller, "catalog", "projects")
	if err != nil {
		return nil, err
	}
	type proj struct {
		folder int64
		name   string
	}
	projects := map[int64]proj{}
	for _, r := range pt.rows {
		projects[pt.i64(r, "project_id")] = proj{pt.i64(r, "folder_id"), pt.str(r, "name")}
	}
	kt, err := c.read(q.ctx(), q.caller, "catalog", "packages")
	if err != nil {
		return nil, err
	}
	var out []pkgInfo
	for _, r := range kt.rows {
		p, ok := projects[kt.i64(r, "project_id")]
		if !ok {
			continue
		}
		// ssis_logreader reads projects and packages but not folders.
		f, ok := folders[p.folder]
		if !ok {
			f = fmt.Sprintf("(folder %d, not visible to you)", p.folder)
		}
		out = append(out, pkgInfo{ID: kt.i64(r, "package_id"), ProjectID: kt.i64(r, "project_id"), FolderID: p.folder,
			Folder: f, Project: p.name, Name: kt.str(r, "name"), EntryPoint: kt.bit(r, "entry_point")})
	}
	slices.SortFunc(out, func(a, b pkgInfo) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Folder), strings.ToLower(b.Folder)),
			cmp.Compare(strings.ToLower(a.Project), strings.ToLower(b.Project)),
			cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)))
	})
	return out, nil
}

// executableProjects is the set of projects the caller has EXECUTE on.
func (c *Console) executableProjects(q *request) map[int64]bool {
	out := map[int64]bool{}
	t, err := c.read(q.ctx(), q.caller, "catalog", "effective_object_permissions")
	if err != nil {
		return out
	}
	for _, r := range t.rows {
		if t.i64(r, "object_type") == 2 && t.i64(r, "permission_type") == 3 {
			out[t.i64(r, "object_id")] = true
		}
	}
	return out
}

type treePackage struct {
	ID                  int64
	Name                string
	EntryPoint, Checked bool
}

type treeProject struct {
	Name       string
	CanExecute bool
	Packages   []treePackage
}

type treeFolder struct {
	Name     string
	Projects []*treeProject
}

type selectPage struct {
	Folders []*treeFolder
	Error   string
}

// selectPackages is the dialog's Package Selection page.
func (c *Console) selectPackages(w http.ResponseWriter, q *request) {
	c.renderSelect(w, q, http.StatusOK, "")
}

func (c *Console) renderSelect(w http.ResponseWriter, q *request, status int, msg string) {
	p := selectPage{Error: msg}
	pkgs, err := c.catalogTree(q)
	if err != nil {
		p.Error = c.sqlText(err)
	}
	checked := map[string]bool{}
	for _, v := range q.URL.Query()["package"] {
		checked[v] = true
	}
	exe := c.executableProjects(q)
	var f *treeFolder
	var pr *treeProject
	for _, k := range pkgs {
		if f == nil || f.Name != k.Folder {
			f = &treeFolder{Name: k.Folder}
			p.Folders = append(p.Folders, f)
			pr = nil
		}
		if pr == nil || pr.Name != k.Project {
			pr = &treeProject{Name: k.Project, CanExecute: q.user.Admin || exe[k.ProjectID]}
			f.Projects = append(f.Projects, pr)
		}
		pr.Packages = append(pr.Packages, treePackage{ID: k.ID, Name: k.Name, EntryPoint: k.EntryPoint,
			Checked: checked[strconv.FormatInt(k.ID, 10)]})
	}
	c.render(w, q, status, "select", pageData{Title: "Execute Package in Scale Out", Nav: "execute", Data: p})
}

// paramField is one parameter of a package on the Parameters or
// Connection Managers tab.
type paramField struct {
	Key         string // form field name
	ObjectType  int16
	Scope       string
	Name        string
	DataType    string
	Description string
	Value       string // what the field shows
	Default     string // the value the execution gets when left alone
	EnvVar      string // bound to this environment variable
	Required    bool
	Sensitive   bool
	Input       string // text, bool, password
}

type pkgForm struct {
	Index                    int
	Folder, Project, Package string
	Found                    bool
	Params, ConnMgrs         []paramField
	References               []option
	Logging                  []option
	X86, Dump                bool
	Retry, Overrides         string
	Errors                   []string
}

type workerRow struct {
	ID, DisplayName, Description, Machine, Tags, Account string
	Enabled, Online, OnlineKnown, Checked                bool
	LastSeen                                             string
	Running, Max                                         int
}

type configurePage struct {
	Back           string // the package selection, with these packages ticked
	Packages       []*pkgForm
	Workers        []workerRow
	AnyMachine     bool
	MachineError   string
	Errors         []string
	ScaleOutNotice bool
}

// catalogDefaults are the server-wide values the dialog starts from.
type catalogDefaults struct {
	loggingLevel string // "0".."4" or "100:<customized level>"
	custom       []string
}

func (c *Console) defaults(q *request) catalogDefaults {
	d := catalogDefaults{loggingLevel: "1"}
	if t, err := c.read(q.ctx(), q.caller, "catalog", "catalog_properties"); err == nil {
		props := map[string]string{}
		for _, r := range t.rows {
			props[strings.ToUpper(t.str(r, "property_name"))] = t.str(r, "property_value")
		}
		if lvl := strings.TrimSpace(props["SERVER_LOGGING_LEVEL"]); lvl != "" {
			d.loggingLevel = lvl
			if lvl == "100" {
				d.loggingLevel = "100:" + props["SERVER_CUSTOMIZED_LOGGING_LEVEL"]
			}
		}
	}
	if t, err := c.read(q.ctx(), q.caller, "catalog", "customized_logging_levels"); err == nil {
		for _, r := range t.rows {
			d.custom = append(d.custom, t.str(r, "name"))
		}
	}
	return d
}

func loggingOptions(d catalogDefaults, selected string) []option {
	var out []option
	for _, l := range loggingLevels {
		v := strconv.Itoa(l.Value)
		out = append(out, option{Value: v, Label: l.Name, Selected: v == selected})
	}
	for _, n := range d.custom {
		v := "100:" + n
		out = append(out, option{Value: v, Label: "Customized: " + n, Selected: v == selected})
	}
	return out
}

// configure is the dialog's per-package settings and Machine Selection.
func (c *Console) configure(w http.ResponseWriter, q *request) {
	ids := q.URL.Query()["package"]
	if len(ids) == 0 {
		c.renderSelect(w, q, http.StatusOK, "Choose at least one package.")
		return
	}
	if len(ids) > maxPackagesPerRun {
		c.renderSelect(w, q, http.StatusOK, fmt.Sprintf("Choose at most %d packages at a time.", maxPackagesPerRun))
		return
	}
	pkgs, err := c.catalogTree(q)
	if err != nil {
		c.renderSelect(w, q, http.StatusOK, c.sqlText(err))
		return
	}
	byID := map[string]pkgInfo{}
	for _, k := range pkgs {
		byID[strconv.FormatInt(k.ID, 10)] = k
	}
	d := c.defaults(q)
	p := configurePage{AnyMachine: true, ScaleOutNotice: !q.user.ScaleOut, Back: "/execute?" + url.Values{"package": ids}.Encode()}
	seen := map[string]bool{}
	for _, id := range ids {
		k, ok := byID[id]
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		f := &pkgForm{Index: len(p.Packages), Folder: k.Folder, Project: k.Project, Package: k.Name, Retry: "0"}
		c.fillPackage(q, f, d, nil)
		p.Packages = append(p.Packages, f)
	}
	if len(p.Packages) == 0 {
		c.renderSelect(w, q, http.StatusOK, "The chosen packages no longer exist, or you cannot see them.")
		return
	}
	p.Workers = c.workerRows(q, nil)
	c.render(w, q, http.StatusOK, "configure", pageData{Title: "Execute Package in Scale Out", Nav: "execute", Data: p})
}

// fillPackage adds the package's parameters and environment references as
// the caller sees them, with the posted values (form) when re-showing a
// submitted dialog.
func (c *Console) fillPackage(q *request, f *pkgForm, d catalogDefaults, form url.Values) {
	prefix := fmt.Sprintf("p%d.", f.Index)
	logging := d.loggingLevel
	if form != nil {
		logging = form.Get(prefix + "logging")
		f.X86 = form.Get(prefix+"x86") != ""
		f.Dump = form.Get(prefix+"dump") != ""
		f.Retry = form.Get(prefix + "retry")
		f.Overrides = form.Get(prefix + "overrides")
	}
	f.Logging = loggingOptions(d, logging)
	projectID, ok := c.projectID(q, f.Folder, f.Project)
	if !ok {
		return
	}
	f.Found = true
	ref := ""
	if form != nil {
		ref = form.Get(prefix + "ref")
	}
	f.References = append(f.References, option{Value: "", Label: "No environment", Selected: ref == ""})
	if t, err := c.read(q.ctx(), q.caller, "catalog", "environment_references"); err == nil {
		for _, r := range t.rows {
			if t.i64(r, "project_id") != projectID {
				continue
			}
			v := t.str(r, "reference_id")
			label := "." + `\` + t.str(r, "environment_name") + " (relative)"
			if t.str(r, "reference_type") == "A" {
				label = t.str(r, "environment_folder_name") + `\` + t.str(r, "environment_name")
			}
			f.References = append(f.References, option{Value: v, Label: label, Selected: v == ref})
		}
	}
	t, err := c.read(q.ctx(), q.caller, "catalog", "object_parameters")
	if err != nil {
		return
	}
	for _, r := range t.rows {
		ot := t.i64(r, "object_type")
		if t.i64(r, "project_id") != projectID || ot == 30 && !strings.EqualFold(t.str(r, "object_name"), f.Package) {
			continue
		}
		pf := paramField{ObjectType: int16(ot), Scope: objectTypeNames[ot], Name: t.str(r, "parameter_name"),
			DataType: t.str(r, "data_type"), Description: t.str(r, "description"), Required: t.bit(r, "required"),
			Sensitive: t.bit(r, "sensitive"), Input: "text"}
		pf.Key = fmt.Sprintf("%sparam.%d.%s", prefix, ot, pf.Name)
		switch {
		case t.str(r, "value_type") == "R" && t.bit(r, "value_set"):
			pf.EnvVar = t.str(r, "referenced_variable_name")
		case t.bit(r, "value_set"):
			pf.Default = displayValue(pf.DataType, t.val(r, "default_value"))
		default:
			pf.Default = displayValue(pf.DataType, t.val(r, "design_default_value"))
		}
		switch {
		case pf.Sensitive:
			pf.Input, pf.Default = "password", ""
		case strings.EqualFold(pf.DataType, "Boolean"):
			pf.Input = "bool"
		}
		// A field the form did not send (not a browser's behaviour for a
		// text field) leaves the parameter as it is.
		pf.Value = pf.Default
		if vs, ok := form[pf.Key]; ok && len(vs) > 0 {
			pf.Value = vs[0]
		}
		if strings.HasPrefix(pf.Name, "CM.") {
			f.ConnMgrs = append(f.ConnMgrs, pf)
		} else {
			f.Params = append(f.Params, pf)
		}
	}
}

// projectID finds a project by folder and name among those the caller sees.
func (c *Console) projectID(q *request, folder, project string) (int64, bool) {
	ft, err := c.read(q.ctx(), q.caller, "catalog", "folders")
	if err != nil {
		return 0, false
	}
	var folderID int64 = -1
	for _, r := range ft.rows {
		if strings.EqualFold(ft.str(r, "name"), folder) {
			folderID = ft.i64(r, "folder_id")
		}
	}
	pt, err := c.read(q.ctx(), q.caller, "catalog", "projects")
	if err != nil {
		return 0, false
	}
	for _, r := range pt.rows {
		if pt.i64(r, "folder_id") == folderID && strings.EqualFold(pt.str(r, "name"), project) {
			return pt.i64(r, "project_id"), true
		}
	}
	return 0, false
}

// workerRows lists the workers the caller may see (catalog.worker_agents),
// with the master's live figures; checked marks chosen ones.
func (c *Console) workerRows(q *request, checked map[string]bool) []workerRow {
	t, err := c.read(q.ctx(), q.caller, "catalog", "worker_agents")
	if err != nil {
		return nil
	}
	var out []workerRow
	for _, r := range t.rows {
		id := t.guid(r, "WorkerAgentId")
		wr := workerRow{ID: id.String(), DisplayName: t.str(r, "DisplayName"), Description: t.str(r, "Description"),
			Machine: t.str(r, "MachineName"), Tags: t.str(r, "Tags"), Account: t.str(r, "UserAccount"),
			Enabled: t.bit(r, "IsEnabled"), LastSeen: fmtTime(t.time(r, "LastOnlineTime")), Checked: checked[id.String()]}
		if c.master != nil {
			if mw, ok := c.master.Worker(id); ok {
				wr.Online, wr.OnlineKnown = mw.Online, true
				wr.Running, wr.Max = mw.RunningTasks, mw.MaxTaskCount
			}
		}
		out = append(out, wr)
	}
	slices.SortFunc(out, func(a, b workerRow) int {
		return cmp.Or(cmp.Compare(strings.ToLower(cmp.Or(a.DisplayName, a.Machine)), strings.ToLower(cmp.Or(b.DisplayName, b.Machine))),
			cmp.Compare(a.ID, b.ID))
	})
	return out
}

// setParam is one set_execution_parameter_value call.
type setParam struct {
	objectType int16
	name       string
	value      sqltype.Value
	sensitive  bool
}

// runPlan is what OK does for one package.
type runPlan struct {
	form      *pkgForm
	refID     *int64
	use32     bool
	params    []setParam
	overrides [][2]string
	retry     int32
}

// runResult is one package's outcome, shown after OK.
type runResult struct {
	Folder, Project, Package string
	ExecutionID              int64
	OperationID              int64 // a create_execution that failed after logging its operation
	Started                  bool
	Error                    string
	Script                   string
}

type resultPage struct {
	Results []runResult
	IDs     string
	Started int
}

// execute is OK: one execution per package, through the same catalog
// procedures a T-SQL caller uses, as the signed-in login.
func (c *Console) execute(w http.ResponseWriter, q *request) {
	form := q.PostForm
	n, err := strconv.Atoi(form.Get("count"))
	if err != nil || n <= 0 || n > maxPackagesPerRun {
		c.renderSelect(w, q, http.StatusBadRequest, "Choose at least one package.")
		return
	}
	d := c.defaults(q)
	p := configurePage{ScaleOutNotice: !q.user.ScaleOut, Back: "/execute"}
	var plans []runPlan
	valid := true
	for i := range n {
		prefix := fmt.Sprintf("p%d.", i)
		f := &pkgForm{Index: i, Folder: form.Get(prefix + "folder"), Project: form.Get(prefix + "project"),
			Package: form.Get(prefix + "package")}
		c.fillPackage(q, f, d, form)
		plan, ok := planPackage(f, form)
		valid = valid && ok
		p.Packages = append(p.Packages, f)
		plans = append(plans, plan)
	}
	chosen := map[string]bool{}
	var workers []uuid.UUID
	for _, s := range form["worker"] {
		id, err := uuid.Parse(s)
		if err != nil {
			p.MachineError = fmt.Sprintf("%q is not a worker agent id.", s)
			valid = false
			break
		}
		if !chosen[id.String()] {
			chosen[id.String()] = true
			workers = append(workers, id)
		}
	}
	p.AnyMachine = form.Get("machines") != "chosen"
	switch {
	case p.MachineError != "":
	case p.AnyMachine && len(workers) > 0:
		p.MachineError = "Workers are ticked but “Any Scale Out Worker” is selected: choose “Only the workers ticked below” to restrict the run."
		valid = false
	case !p.AnyMachine && len(workers) == 0:
		p.MachineError = "Tick at least one worker, or choose “Any Scale Out Worker”."
		valid = false
	}
	if !valid {
		p.Workers = c.workerRows(q, chosen)
		p.Errors = append(p.Errors, "Nothing was run: correct the fields marked below.")
		c.render(w, q, http.StatusBadRequest, "configure", pageData{Title: "Execute Package in Scale Out", Nav: "execute", Data: p})
		return
	}
	var results []runResult
	for _, plan := range plans {
		results = append(results, c.run(q, plan, p.AnyMachine, workers))
	}
	c.sessions.setResults(q.s, results)
	http.Redirect(w, q.Request, "/execute/result", http.StatusSeeOther)
}

// planPackage validates one package's fields and turns them into the calls
// to make. Field errors go to f.Errors.
func planPackage(f *pkgForm, form url.Values) (runPlan, bool) {
	prefix := fmt.Sprintf("p%d.", f.Index)
	plan := runPlan{form: f, use32: f.X86}
	bad := func(format string, args ...any) { f.Errors = append(f.Errors, fmt.Sprintf(format, args...)) }
	if f.Folder == "" || f.Project == "" || f.Package == "" {
		bad("The package's folder, project and name are missing from the form.")
	}
	if ref := form.Get(prefix + "ref"); ref != "" {
		id, err := strconv.ParseInt(ref, 10, 64)
		if err != nil {
			bad("%q is not an environment reference id.", ref)
		} else {
			plan.refID = &id
		}
	}
	if r, err := strconv.ParseInt(strings.TrimSpace(f.Retry), 10, 32); err != nil || r < 0 || r >= math.MaxInt32 {
		bad("Retry count must be a whole number from 0 to %d, not %q.", math.MaxInt32-1, f.Retry)
	} else {
		plan.retry = int32(r)
	}
	for _, pf := range append(append([]paramField(nil), f.Params...), f.ConnMgrs...) {
		if pf.Value == pf.Default && !pf.Sensitive || pf.Sensitive && pf.Value == "" || pf.EnvVar != "" && pf.Value == "" {
			continue
		}
		v, err := parseParam(pf.DataType, pf.Value)
		if err != nil {
			bad("%s parameter %s (%s): %v", pf.Scope, pf.Name, pf.DataType, err)
			continue
		}
		plan.params = append(plan.params, setParam{objectType: pf.ObjectType, name: pf.Name, value: v, sensitive: pf.Sensitive})
	}
	level, custom, ok := parseLogging(form.Get(prefix + "logging"))
	if !ok {
		bad("Logging level %q is not one of the levels offered.", form.Get(prefix+"logging"))
	} else {
		plan.params = append(plan.params, setParam{objectType: 50, name: "LOGGING_LEVEL", value: sqltype.NewSmallInt(level)})
		if level == 100 {
			plan.params = append(plan.params, setParam{objectType: 50, name: "CUSTOMIZED_LOGGING_LEVEL", value: sqltype.NewNVarChar(custom)})
		}
	}
	if f.Dump {
		plan.params = append(plan.params, setParam{objectType: 50, name: "DUMP_ON_ERROR", value: sqltype.NewBit(true)})
	}
	for i, line := range strings.Split(strings.ReplaceAll(f.Overrides, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		path, value, found := strings.Cut(line, "=")
		path = strings.TrimSpace(path)
		if !found || !strings.HasPrefix(path, `\`) {
			bad(`Property override line %d must read \Package.Properties[Name]=value, not %q.`, i+1, line)
			continue
		}
		plan.overrides = append(plan.overrides, [2]string{path, value})
	}
	return plan, len(f.Errors) == 0
}

func parseLogging(s string) (int64, string, bool) {
	if rest, ok := strings.CutPrefix(s, "100:"); ok {
		return 100, rest, rest != ""
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 4 {
		return 0, "", false
	}
	return n, "", true
}

// parseParam turns a typed-in value into the SQL value the SSMS dialog would
// pass for the parameter's SSIS type; conversion errors keep SQL Server's
// numbers and texts.
func parseParam(ssisType, text string) (sqltype.Value, error) {
	s := strings.TrimSpace(text)
	var to sqltype.Type
	switch ssisType {
	case "String":
		return sqltype.NewNVarChar(text), nil
	case "Boolean":
		switch strings.ToLower(s) {
		case "true", "1":
			return sqltype.NewBit(true), nil
		case "false", "0":
			return sqltype.NewBit(false), nil
		}
		return sqltype.Value{}, fmt.Errorf("%q is not True or False", text)
	case "Byte":
		to = sqltype.TTinyInt
	case "SByte", "Int16":
		to = sqltype.TSmallInt
	case "Int32":
		to = sqltype.TInt
	case "Int64", "UInt32":
		to = sqltype.TBigInt
	case "UInt64":
		to = sqltype.DecimalPS(20, 0)
	case "Single":
		to = sqltype.TReal
	case "Double":
		to = sqltype.TFloat
	case "Decimal":
		scale := 0
		if _, frac, ok := strings.Cut(s, "."); ok {
			scale = min(len(frac), 18)
		}
		to = sqltype.DecimalPS(38, uint8(scale))
	case "DateTime":
		to = sqltype.DateTime2S(7)
		s = strings.Replace(s, "T", " ", 1)
	default:
		// An SSIS type the catalog does not map: pass the text and let
		// set_execution_parameter_value answer.
		return sqltype.NewNVarChar(text), nil
	}
	if s == "" {
		return sqltype.Value{}, fmt.Errorf("a value is required")
	}
	v, err := sqltype.Convert(sqltype.NewNVarChar(s), to, 0)
	if err != nil {
		return sqltype.Value{}, err
	}
	return v, nil
}

// run makes the calls for one package and stops at the first error, as the
// dialog does; an execution created before the error stays as the catalog
// left it (created, or failed when create_execution itself failed late).
func (c *Console) run(q *request, plan runPlan, anyWorker bool, workers []uuid.UUID) runResult {
	f := plan.form
	res := runResult{Folder: f.Folder, Project: f.Project, Package: f.Package}
	var sc script
	sc.createExecution(f.Folder, f.Project, f.Package, plan.refID, plan.use32, anyWorker)
	ctx := q.ctx()
	args := catalog.CreateExecutionArgs{FolderName: &f.Folder, ProjectName: &f.Project, PackageName: &f.Package,
		ReferenceID: plan.refID, Use32BitRuntime: &plan.use32, RunInScaleOut: new(true), UseAnyWorker: &anyWorker}
	id, err := c.cat.CreateExecution(ctx, nil, q.caller, args)
	fail := func(err error) runResult {
		res.Error = c.sqlText(err)
		res.Script = sc.String()
		c.log.Info("console: execute in scale out failed", "login", q.caller.Login, "package", f.Folder+"/"+f.Project+"/"+f.Package,
			"execution", res.ExecutionID, "err", err)
		return res
	}
	if err != nil {
		// The catalog inserts the operation row before its checks and marks
		// it failed; there is no execution (catalog.executions) to link.
		res.OperationID = id
		return fail(err)
	}
	res.ExecutionID = id
	for _, sp := range plan.params {
		sc.setParameter(sp)
		if err := c.cat.SetExecutionParameterValue(ctx, nil, q.caller, &id, &sp.objectType, &sp.name, sp.value); err != nil {
			return fail(err)
		}
	}
	for _, o := range plan.overrides {
		sc.setOverride(o[0], o[1])
		if err := c.cat.SetExecutionPropertyOverrideValue(ctx, nil, q.caller, &id, &o[0], &o[1], new(false)); err != nil {
			return fail(err)
		}
	}
	for _, wid := range workers {
		sc.addWorker(wid)
		if err := c.cat.AddExecutionWorker(ctx, nil, q.caller, &id, &wid); err != nil {
			return fail(err)
		}
	}
	sc.start(plan.retry)
	if err := c.cat.StartExecution(ctx, nil, q.caller, &id, &plan.retry); err != nil {
		return fail(err)
	}
	res.Started = true
	res.Script = sc.String()
	c.log.Info("console: execution started in scale out", "login", q.caller.Login, "execution", id,
		"package", f.Folder+"/"+f.Project+"/"+f.Package)
	return res
}

func (c *Console) result(w http.ResponseWriter, q *request) {
	p := resultPage{Results: c.sessions.takeResults(q.s)}
	var ids []string
	for _, r := range p.Results {
		if r.ExecutionID > 0 {
			ids = append(ids, strconv.FormatInt(r.ExecutionID, 10))
		}
		if r.Started {
			p.Started++
		}
	}
	p.IDs = strings.Join(ids, ",")
	c.render(w, q, http.StatusOK, "result", pageData{Title: "Execute Package in Scale Out", Nav: "execute", Data: p})
}
