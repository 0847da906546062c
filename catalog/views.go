package catalog

import (
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// Column lists in the real 2017 view order (reference §3).
var (
	colsFolders = cols("folder_id bigint!", "name sysname!", "description nvarchar(1024)", "created_by_sid varbinary(85)!",
		"created_by_name nvarchar(128)!", "created_time datetimeoffset(7)!")
	colsProjects = cols("project_id bigint!", "folder_id bigint!", "name sysname!", "description nvarchar(1024)",
		"project_format_version int", "deployed_by_sid varbinary(85)!", "deployed_by_name nvarchar(128)!",
		"last_deployed_time datetimeoffset(7)!", "created_time datetimeoffset(7)!", "object_version_lsn bigint!",
		"validation_status char(1)!", "last_validation_time datetimeoffset(7)")
	colsPackages = cols("package_id bigint!", "name nvarchar(260)!", "package_guid uniqueidentifier!", "description nvarchar(1024)",
		"package_format_version int!", "version_major int!", "version_minor int!", "version_build int!",
		"version_comments nvarchar(1024)", "version_guid uniqueidentifier!", "project_id bigint!", "entry_point bit!",
		"validation_status char(1)!", "last_validation_time datetimeoffset(7)")
	colsObjectParameters = cols("parameter_id bigint!", "project_id bigint!", "object_type smallint!", "object_name nvarchar(260)!",
		"parameter_name sysname!", "data_type nvarchar(128)!", "required bit!", "sensitive bit!", "description nvarchar(1024)",
		"design_default_value sql_variant", "default_value sql_variant", "value_type char(1)!", "value_set bit!",
		"referenced_variable_name nvarchar(128)", "validation_status char(1)!", "last_validation_time datetimeoffset(7)")
	colsEnvironments = cols("environment_id bigint!", "name sysname!", "folder_id bigint!", "description nvarchar(1024)",
		"created_by_sid varbinary(85)!", "created_by_name nvarchar(128)!", "created_time datetimeoffset(7)!")
	colsEnvironmentVariables = cols("variable_id bigint!", "environment_id bigint!", "name sysname!", "description nvarchar(1024)",
		"type nvarchar(128)!", "sensitive bit!", "value sql_variant")
	colsEnvironmentReferences = cols("reference_id bigint!", "project_id bigint!", "reference_type char(1)!",
		"environment_folder_name nvarchar(128)", "environment_name sysname!", "validation_status char(1)!",
		"last_validation_time datetimeoffset(7)")
	colsOperations = cols("operation_id bigint!", "operation_type smallint!", "created_time datetimeoffset(7)", "object_type smallint",
		"object_id bigint", "object_name nvarchar(260)", "status int!", "start_time datetimeoffset(7)", "end_time datetimeoffset(7)",
		"caller_sid varbinary(85)!", "caller_name sysname!", "process_id int", "stopped_by_sid varbinary(85)",
		"stopped_by_name nvarchar(128)", "server_name nvarchar(128)", "machine_name nvarchar(128)")
	colsInternalOperations = cols("operation_id bigint!", "operation_type smallint!", "created_time datetimeoffset(7)", "object_type smallint",
		"object_id bigint", "object_name nvarchar(260)", "status int!", "start_time datetimeoffset(7)", "end_time datetimeoffset(7)",
		"caller_sid varbinary(85)!", "caller_name sysname!", "process_id int", "stopped_by_sid varbinary(85)",
		"stopped_by_name nvarchar(128)", "operation_guid uniqueidentifier", "server_name nvarchar(128)", "machine_name nvarchar(128)",
		"worker_agent_id uniqueidentifier", "executed_count int")
	colsExecutions = cols("execution_id bigint!", "folder_name sysname!", "project_name sysname!", "package_name nvarchar(260)!",
		"reference_id bigint", "reference_type char(1)", "environment_folder_name nvarchar(128)", "environment_name nvarchar(128)",
		"project_lsn bigint", "executed_as_sid varbinary(85)!", "executed_as_name nvarchar(128)!", "use32bitruntime bit!",
		"operation_type smallint!", "created_time datetimeoffset(7)", "object_type smallint", "object_id bigint", "status int!",
		"start_time datetimeoffset(7)", "end_time datetimeoffset(7)", "caller_sid varbinary(85)!", "caller_name sysname!",
		"process_id int", "stopped_by_sid varbinary(85)", "stopped_by_name nvarchar(128)", "dump_id uniqueidentifier",
		"server_name nvarchar(128)", "machine_name nvarchar(128)", "worker_agent_id uniqueidentifier",
		"total_physical_memory_kb bigint", "available_physical_memory_kb bigint", "total_page_file_kb bigint",
		"available_page_file_kb bigint", "cpu_count int", "executed_count int")
	colsInternalExecutions = cols("execution_id bigint!", "folder_name sysname!", "project_name sysname!", "package_name nvarchar(260)!",
		"reference_id bigint", "reference_type char(1)", "environment_folder_name nvarchar(128)", "environment_name nvarchar(128)",
		"project_lsn bigint", "executed_as_sid varbinary(85)!", "executed_as_name nvarchar(128)!", "use32bitruntime bit!",
		"job_id uniqueidentifier")
	colsExecParams = cols("execution_parameter_id bigint!", "execution_id bigint!", "object_type smallint!",
		"parameter_data_type nvarchar(128)!", "parameter_name sysname!", "parameter_value sql_variant", "sensitive bit!",
		"required bit!", "value_set bit!", "runtime_override bit!")
	colsOverrides = cols("property_id bigint!", "execution_id bigint!", "property_path nvarchar(4000)!",
		"property_value nvarchar(max)", "sensitive bit!")
	colsOperationMessages = cols("operation_message_id bigint!", "operation_id bigint!", "message_time datetimeoffset(7)!",
		"message_type smallint!", "message_source_type smallint", "message nvarchar(max)", "extended_info_id bigint")
	colsEventMessages = cols("event_message_id bigint", "operation_id bigint!", "message_time datetimeoffset(7)!",
		"message_type smallint!", "message_source_type smallint", "message nvarchar(max)", "extended_info_id bigint",
		"package_name nvarchar(260)", "event_name nvarchar(1024)", "message_source_name nvarchar(4000)",
		"message_source_id nvarchar(38)", "subcomponent_name nvarchar(4000)", "package_path nvarchar(max)",
		"execution_path nvarchar(max)", "threadID int", "message_code int", "event_message_guid uniqueidentifier")
	colsEventContext = cols("context_id bigint!", "event_message_id bigint", "context_depth int", "package_path nvarchar(max)",
		"context_type smallint", "context_source_name nvarchar(4000)", "context_source_id nvarchar(38)",
		"property_name nvarchar(4000)", "property_value sql_variant", "event_message_guid uniqueidentifier")
	colsExecutables = cols("executable_id bigint!", "execution_id bigint!", "executable_name nvarchar(4000)",
		"executable_guid nvarchar(38)", "package_name nvarchar(260)", "package_path nvarchar(max)")
	colsExecutableStatistics = cols("statistics_id bigint!", "execution_id bigint!", "executable_id bigint!",
		"execution_path nvarchar(max)", "start_time datetimeoffset(7)", "end_time datetimeoffset(7)", "execution_duration int",
		"execution_result smallint", "execution_value sql_variant")
	colsWorkerAgents = cols("WorkerAgentId uniqueidentifier!", "IsEnabled bit!", "DisplayName nvarchar(256)",
		"Description nvarchar(256)", "MachineName nvarchar(256)", "Tags nvarchar(max)", "UserAccount nvarchar(256)",
		"LastOnlineTime datetimeoffset(7)")
	colsMasterProperties  = cols("property_name nvarchar(256)!", "property_value nvarchar(max)")
	colsCatalogProperties = cols("property_name nvarchar(256)!", "property_value nvarchar(256)")
	colsEffective         = cols("object_type smallint!", "object_id bigint!", "permission_type smallint!")
	colsExplicit          = cols("object_type smallint!", "object_id bigint!", "principal_id int!", "permission_type smallint!",
		"is_deny bit!", "grantor_id int!")
	colsLoggingLevels = cols("level_id bigint!", "name sysname!", "description nvarchar(1024)", "profile_value bigint!",
		"events_value bigint!", "created_by_sid varbinary(85)!", "created_by_name nvarchar(128)!", "created_time datetimeoffset(7)!")
	colsJobs = cols("JobId uniqueidentifier!", "IsCancelled bit!", "CreatedTime datetimeoffset(7)!", "JobType int!",
		"InputData nvarchar(max)", "Creator nvarchar(256)", "Priority int!", "LastUpdatedTime datetimeoffset(7)")
	colsTasks = cols("TaskId uniqueidentifier!", "JobId uniqueidentifier!", "TaskType int!", "InputData nvarchar(max)",
		"MaxExecutedCount int!", "ExecutedCount int!", "Status int!", "IsCritical bit!", "Priority int!",
		"ReadyForDispatchTime datetimeoffset(7)", "LastUpdatedTime datetimeoffset(7)", "CreatedTime datetimeoffset(7)!",
		"WorkerAgentId uniqueidentifier", "ExpiredTime datetimeoffset(7)", "CreateWorkerAgentId uniqueidentifier",
		"IsCancelled bit!", "LastPickupTime datetimeoffset(7)")
	colsJobWorkers = cols("JobId uniqueidentifier!", "WorkerAgentId uniqueidentifier!")
)

func folderRow(w *rowBuf, f *Folder) {
	w.int(f.ID)
	w.str(f.Name)
	w.desc(f.Description)
	w.bytes(f.CreatedBySID)
	w.str(f.CreatedByName)
	w.time(f.Created)
}

func projectRow(w *rowBuf, p *Project) {
	w.int(p.ID)
	w.int(p.FolderID)
	w.str(p.Name)
	w.str(p.Description)
	w.int(int64(p.FormatVersion))
	w.bytes(p.DeployedBySID)
	w.str(p.DeployedByName)
	w.time(p.LastDeployed)
	w.time(p.Created)
	w.int(p.LSN)
	w.str("N")
	w.null()
}

func packageRow(w *rowBuf, pk *Package) {
	w.int(pk.ID)
	w.str(pk.Name)
	w.guid(&pk.GUID)
	w.str(pk.Description)
	w.int(int64(pk.FormatVersion))
	w.int(int64(pk.VersionMajor))
	w.int(int64(pk.VersionMinor))
	w.int(int64(pk.VersionBuild))
	w.str(pk.VersionComments)
	w.guid(&pk.VersionGUID)
	w.int(pk.ProjectID)
	w.bit(pk.EntryPoint)
	w.str("N")
	w.null()
}

func objectParameterRow(w *rowBuf, q *ObjectParameter) {
	w.int(q.ID)
	w.int(q.ProjectID)
	w.int(int64(q.ObjectType))
	w.str(q.ObjectName)
	w.str(q.Name)
	w.str(q.DataType)
	w.bit(q.Required)
	w.bit(q.Sensitive)
	w.str(q.Description)
	w.sensitive(q.Sensitive, q.DesignDefault)
	w.sensitive(q.Sensitive, q.Default)
	w.char(q.ValueType)
	w.bit(q.ValueSet)
	if q.ValueType == 'R' {
		w.str(q.ReferencedVar)
	} else {
		w.null()
	}
	w.str("N")
	w.null()
}

func environmentRow(w *rowBuf, e *Environment) {
	w.int(e.ID)
	w.str(e.Name)
	w.int(e.FolderID)
	w.desc(e.Description)
	w.bytes(e.CreatedBySID)
	w.str(e.CreatedByName)
	w.time(e.Created)
}

func variableRow(w *rowBuf, v *EnvironmentVariable) {
	w.int(v.ID)
	w.int(v.EnvironmentID)
	w.str(v.Name)
	w.desc(v.Description)
	w.str(v.Type)
	w.bit(v.Sensitive)
	w.sensitive(v.Sensitive, v.Value)
}

func referenceRow(w *rowBuf, r *EnvironmentReference) {
	w.int(r.ID)
	w.int(r.ProjectID)
	w.char(r.Type)
	if r.Type == 'A' {
		w.str(r.FolderName)
	} else {
		w.null()
	}
	w.str(r.EnvironmentName)
	w.str("N")
	w.null()
}

// The operation-backed views: each row function writes an operation's rows
// from x.inner on and returns false when the chunk filled (see scan).

// executionRow writes the columns in groups a projected scan skips whole
// (rowBuf.skipping): the dashboards' queries read one or two columns of
// the 34.
func executionRow(x *scan, op *Operation) bool {
	w, ex := &x.w, op.Exec
	if w.skipping(len(colsExecutions)) {
		return true
	}
	w.int(op.ID)
	if !w.skipping(11) {
		w.str(ex.FolderName)
		w.str(ex.ProjectName)
		w.str(ex.PackageName)
		w.intp(ex.ReferenceID)
		w.charp(ex.ReferenceType)
		w.strp(ex.EnvFolderName)
		w.strp(ex.EnvName)
		w.int(ex.ProjectLSN)
		w.bytes(ex.ExecutedAsSID)
		w.str(ex.ExecutedAsName)
		w.bit(ex.Use32Bit)
	}
	if !w.skipping(4) {
		w.int(int64(op.Type))
		w.time(op.Created)
		w.int(int64(op.ObjectType))
		w.intp(op.ObjectID)
	}
	w.int(int64(op.Status))
	if !w.skipping(2) {
		w.time(op.Start)
		w.time(op.End)
	}
	if !w.skipping(9) {
		w.bytes(op.CallerSID)
		w.str(op.CallerName)
		w.int32p(op.ProcessID)
		w.bytes(op.StoppedBySID)
		w.strp(op.StoppedByName)
		w.guid(&op.GUID)
		w.str(op.ServerName)
		w.strp(op.MachineName)
		w.guid(op.WorkerAgentID)
	}
	if w.skipping(6) {
		return true
	}
	// The OS figures start_execution records (the real catalog asks the
	// CLR); NULL until the execution has started.
	if op.Start.IsZero() {
		for range 5 {
			w.null()
		}
	} else {
		w.int(16777216)
		w.int(8388608)
		w.int(33554432)
		w.int(16777216)
		w.int(8)
	}
	w.int32p(op.ExecutedCount)
	return true
}

// operationPrefix writes the 14 columns catalog.operations and
// internal.operations share, operation_id through stopped_by_name.
func operationPrefix(w *rowBuf, op *Operation) {
	if w.skipping(14) {
		return
	}
	w.int(op.ID)
	w.int(int64(op.Type))
	w.time(op.Created)
	w.int(int64(op.ObjectType))
	w.intp(op.ObjectID)
	w.strp(op.ObjectName)
	w.int(int64(op.Status))
	w.time(op.Start)
	w.time(op.End)
	w.bytes(op.CallerSID)
	w.str(op.CallerName)
	w.int32p(op.ProcessID)
	w.bytes(op.StoppedBySID)
	w.strp(op.StoppedByName)
}

func operationRow(x *scan, op *Operation) bool {
	w := &x.w
	operationPrefix(w, op)
	w.str(op.ServerName)
	w.strp(op.MachineName)
	return true
}

func internalOperationRow(x *scan, op *Operation) bool {
	w := &x.w
	operationPrefix(w, op)
	w.guid(&op.GUID)
	w.str(op.ServerName)
	w.strp(op.MachineName)
	w.guid(op.WorkerAgentID)
	w.int32p(op.ExecutedCount)
	return true
}

func internalExecutionRow(x *scan, op *Operation) bool {
	w, ex := &x.w, op.Exec
	w.int(op.ID)
	w.str(ex.FolderName)
	w.str(ex.ProjectName)
	w.str(ex.PackageName)
	w.intp(ex.ReferenceID)
	w.charp(ex.ReferenceType)
	w.strp(ex.EnvFolderName)
	w.strp(ex.EnvName)
	w.int(ex.ProjectLSN)
	w.bytes(ex.ExecutedAsSID)
	w.str(ex.ExecutedAsName)
	w.bit(ex.Use32Bit)
	w.guid(ex.JobID)
	return true
}

// execParamRows: set_execution_parameter_value rebuilds the list when it
// adds or drops CUSTOMIZED_LOGGING_LEVEL (see afterID).
func execParamRows(x *scan, op *Operation) bool {
	if op.Exec == nil {
		return true
	}
	w := &x.w
	return afterID(x, op.Exec.Params, func(p *ExecParam) int64 { return p.ID }, func(p *ExecParam) {
		w.int(p.ID)
		w.int(op.ID)
		w.int(int64(p.ObjectType))
		w.str(p.DataType)
		w.str(p.Name)
		w.sensitive(p.Sensitive, p.Value)
		w.bit(p.Sensitive)
		w.bit(p.Required)
		w.bit(p.ValueSet)
		w.bit(p.RuntimeOverride)
	})
}

func overrideRows(x *scan, op *Operation) bool {
	w := &x.w
	return afterID(x, op.Exec.Overrides, func(o *PropertyOverride) int64 { return o.ID }, func(o *PropertyOverride) {
		w.int(o.ID)
		w.int(op.ID)
		w.str(o.Path)
		if o.Sensitive {
			w.null()
		} else {
			w.str(o.Value)
		}
		w.bit(o.Sensitive)
	})
}

func messageRows(x *scan, op *Operation) bool {
	w, list := &x.w, op.Messages
	return x.inList(len(list), func(i int) {
		m := list[i]
		w.int(m.ID)
		w.int(m.OperationID)
		w.time(m.Time)
		w.int(int64(m.Type))
		w.int(int64(m.SourceType))
		w.str(m.Message)
		w.intp(m.ExtendedInfoID)
	})
}

func eventRows(x *scan, op *Operation) bool {
	w, list := &x.w, op.Messages
	for i := int(x.inner); i < len(list); i++ {
		m := list[i]
		e := m.Event
		if e == nil {
			continue
		}
		if w.full() {
			x.inner = int64(i)
			return false
		}
		// The real view computes the source name from the source type.
		src := e.SourceName
		switch m.SourceType {
		case 10:
			src = "ISServerExec"
		case 20:
			src = "Transact-SQL stored procedure"
		}
		if w.skipping(len(colsEventMessages)) {
			continue
		}
		w.intp(e.EventMessageID)
		w.int(m.OperationID)
		w.time(m.Time)
		w.int(int64(m.Type))
		w.int(int64(m.SourceType))
		w.str(m.Message)
		w.intp(m.ExtendedInfoID)
		if w.skipping(10) {
			continue
		}
		w.str(e.PackageName)
		w.str(e.EventName)
		w.str(src)
		w.str(e.SourceID)
		w.str(e.Subcomponent)
		w.str(e.PackagePath)
		w.str(e.ExecutionPath)
		w.int(int64(e.ThreadID))
		w.int(int64(e.MessageCode))
		w.guid(&e.GUID)
	}
	return true
}

func contextRows(x *scan, op *Operation) bool {
	w := &x.w
	return afterID(x, op.Exec.Contexts, func(c *EventContext) int64 { return c.ID }, func(c *EventContext) {
		w.int(c.ID)
		w.intp(c.EventMessageID)
		w.int(int64(c.Depth))
		w.str(c.PackagePath)
		w.int(int64(c.ContextType))
		w.str(c.SourceName)
		w.str(c.SourceID)
		w.str(c.PropertyName)
		w.value(c.PropertyValue)
		w.guid(&c.EventGUID)
	})
}

func executableRows(x *scan, op *Operation) bool {
	w := &x.w
	return afterID(x, op.Exec.Executables, func(e *Executable) int64 { return e.ID }, func(e *Executable) {
		w.int(e.ID)
		w.int(e.ExecutionID)
		w.str(e.Name)
		w.str(e.GUID)
		w.str(e.PackageName)
		w.str(e.PackagePath)
	})
}

func statisticRows(x *scan, op *Operation) bool {
	w := &x.w
	return afterID(x, op.Exec.Statistics, func(st *ExecutableStatistic) int64 { return st.ID }, func(st *ExecutableStatistic) {
		w.int(st.ID)
		w.int(st.ExecutionID)
		w.int(st.ExecutableID)
		w.str(st.ExecutionPath)
		w.time(st.Start)
		w.time(st.End)
		if st.End.IsZero() {
			w.null()
			w.null()
		} else {
			w.int(int64(st.DurationMS))
			w.int(int64(st.Result))
		}
		w.null()
	})
}

func denyInternal(table string) func(sc *secCtx) error {
	return func(sc *secCtx) error {
		if sc.admin() {
			return nil
		}
		return errorf(229, 5, "SELECT", table, SSISDB, "internal")
	}
}

func masterOf(c *Catalog) Master {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.master
}

// opsView is a view with one walk over the operations (scan) and, when
// idCol >= 0, a seek by operation id on that column and walks in its
// order: the creation order, forwards or backwards.
func opsView(cols []rows.Column, keep func(*scan, *Operation) bool, each func(*scan, *Operation) bool, idCol int) *viewDef {
	d := &viewDef{cols: cols, scan: func(x *scan) bool { return x.rowsOf(keep, each) }}
	if idCol >= 0 {
		d.seek = map[int]producer{idCol: func(x *scan) bool { return x.oneOp(keep, each) }}
		d.order = map[int]orderedWalk{idCol: {asc: d.scan, desc: func(x *scan) bool { return x.rowsOfDesc(keep, each) }}}
	}
	return d
}

func withDeny(d *viewDef, table string) *viewDef {
	d.deny = denyInternal(table)
	return d
}

// workerRows walks the master's workers (x.extra) from the scan's
// position; with a key, only the worker it names.
func workerRows(x *scan, seek bool) bool {
	if !x.sc.admin() && !x.sc.has("ssis_cluster_executor") {
		return true
	}
	if seek && x.key.Kind() != sqltype.UniqueIdentifier {
		return true
	}
	ws, w := x.extra.([]scaleout.Worker), &x.w
	for ; x.pos < len(ws); x.pos++ {
		wk := &ws[x.pos]
		if seek && wk.ID != x.key.UUID() {
			continue
		}
		if w.full() {
			return false
		}
		w.guid(&wk.ID)
		w.bit(wk.Enabled)
		w.str(wk.DisplayName)
		w.str(wk.Description)
		w.str(wk.MachineName)
		w.str(wk.Tags)
		w.str(wk.UserAccount)
		w.time(wk.LastOnlineTime)
	}
	return true
}

// folderSeek is the seek of catalog.folders by id (column 0) or name (1).
func folderSeek(byName bool) producer {
	return func(x *scan) bool {
		var f *Folder
		if byName {
			f = x.s.folderByName(strings.TrimRight(valueText(x.key), " "))
		} else {
			id, _ := seekInt(x.key)
			f = x.s.Folders[id]
		}
		if f != nil && x.s.canReadFolder(x.sc, f) {
			folderRow(&x.w, f)
		}
		return true
	}
}

// effectivePerms lists, for each object type in turn, the permissions the
// caller holds on each object; x.seg is the object type being walked.
var effectivePerms = []struct {
	objType int16
	perms   []int16
}{
	{ObjFolder, []int16{1, 2, 4, 100, 101, 102, 103, 104}},
	{ObjProject, []int16{1, 2, 3, 4}},
	{ObjEnvironment, []int16{1, 2, 4}},
	{ObjOperation, []int16{1, 2, 4}},
}

func effectiveRows(x *scan) bool {
	for ; x.seg < len(effectivePerms); x.seg++ {
		seg := effectivePerms[x.seg]
		each := func(x *scan, id int64) bool {
			return x.inList(len(seg.perms), func(i int) {
				// A permission the caller lacks writes no row: inList
				// counts list entries, the chunk only fills with rows.
				if p := seg.perms[i]; x.s.effective(x.sc, seg.objType, id, p) {
					x.w.int(int64(seg.objType))
					x.w.int(id)
					x.w.int(int64(p))
				}
			})
		}
		var done bool
		switch seg.objType {
		case ObjFolder:
			done = byID(x, x.s.Folders, func(x *scan, f *Folder) bool { return each(x, f.ID) })
		case ObjProject:
			done = byID(x, x.s.Projects, func(x *scan, p *Project) bool { return each(x, p.ID) })
		case ObjEnvironment:
			done = byID(x, x.s.Environments, func(x *scan, e *Environment) bool { return each(x, e.ID) })
		case ObjOperation:
			done = x.rowsOf(anyOp, func(x *scan, op *Operation) bool { return each(x, op.ID) })
		}
		if !done {
			return false
		}
		x.pos, x.inner, x.keyed, x.ids = 0, 0, false, x.ids[:0]
	}
	return true
}

var catalogViews = map[string]*viewDef{
	"catalog.folders": {cols: colsFolders,
		scan: func(x *scan) bool {
			return byID(x, x.s.Folders, func(x *scan, f *Folder) bool {
				if x.s.canReadFolder(x.sc, f) {
					folderRow(&x.w, f)
				}
				return true
			})
		},
		seek: map[int]producer{0: folderSeek(false), 1: folderSeek(true)}},
	"catalog.projects": {cols: colsProjects,
		scan: func(x *scan) bool {
			return byID(x, x.s.Projects, func(x *scan, p *Project) bool {
				if logReadable(x.s, x.sc, p) {
					projectRow(&x.w, p)
				}
				return true
			})
		},
		seek: map[int]producer{
			0: func(x *scan) bool {
				id, _ := seekInt(x.key)
				if p := x.s.Projects[id]; p != nil && logReadable(x.s, x.sc, p) {
					projectRow(&x.w, p)
				}
				return true
			},
			2: func(x *scan) bool {
				name := strings.TrimRight(valueText(x.key), " ")
				return byID(x, x.s.Projects, func(x *scan, p *Project) bool {
					if strings.EqualFold(p.Name, name) && logReadable(x.s, x.sc, p) {
						projectRow(&x.w, p)
					}
					return true
				})
			},
		}},
	"catalog.packages": {cols: colsPackages,
		scan: func(x *scan) bool {
			return byID(x, x.s.Projects, func(x *scan, p *Project) bool {
				if !logReadable(x.s, x.sc, p) {
					return true
				}
				return afterID(x, p.Packages, func(pk *Package) int64 { return pk.ID }, func(pk *Package) { packageRow(&x.w, pk) })
			})
		}},
	"catalog.object_parameters": {cols: colsObjectParameters,
		scan: func(x *scan) bool {
			return byID(x, x.s.Projects, func(x *scan, p *Project) bool {
				if !x.s.check(x.sc, ObjProject, p.ID, PermRead) {
					return true
				}
				return afterID(x, p.Params, func(q *ObjectParameter) int64 { return q.ID }, func(q *ObjectParameter) { objectParameterRow(&x.w, q) })
			})
		}},
	"catalog.environments": {cols: colsEnvironments,
		scan: func(x *scan) bool {
			return byID(x, x.s.Environments, func(x *scan, e *Environment) bool {
				if x.s.check(x.sc, ObjEnvironment, e.ID, PermRead) {
					environmentRow(&x.w, e)
				}
				return true
			})
		}},
	"catalog.environment_variables": {cols: colsEnvironmentVariables,
		scan: func(x *scan) bool {
			return byID(x, x.s.Environments, func(x *scan, e *Environment) bool {
				if !x.s.check(x.sc, ObjEnvironment, e.ID, PermRead) {
					return true
				}
				return afterID(x, e.Variables, func(v *EnvironmentVariable) int64 { return v.ID }, func(v *EnvironmentVariable) { variableRow(&x.w, v) })
			})
		}},
	"catalog.environment_references": {cols: colsEnvironmentReferences,
		scan: func(x *scan) bool {
			return byID(x, x.s.References, func(x *scan, r *EnvironmentReference) bool {
				if x.s.Projects[r.ProjectID] != nil && x.s.check(x.sc, ObjProject, r.ProjectID, PermRead) {
					referenceRow(&x.w, r)
				}
				return true
			})
		}},
	"catalog.operations":                         opsView(colsOperations, readable, operationRow, 0),
	"catalog.executions":                         opsView(colsExecutions, readableExec, executionRow, 0),
	"catalog.execution_parameter_values":         opsView(colsExecParams, readable, execParamRows, 1),
	"catalog.execution_property_override_values": opsView(colsOverrides, readableExec, overrideRows, -1),
	"catalog.operation_messages":                 opsView(colsOperationMessages, readable, messageRows, 1),
	"catalog.event_messages":                     opsView(colsEventMessages, readable, eventRows, 1),
	"catalog.event_message_context":              opsView(colsEventContext, readableExec, contextRows, -1),
	"catalog.executables":                        opsView(colsExecutables, readableExec, executableRows, -1),
	"catalog.executable_statistics":              opsView(colsExecutableStatistics, readableExec, statisticRows, -1),
	"catalog.worker_agents": {cols: colsWorkerAgents,
		pre:  func(c *Catalog) any { return masterOf(c).Workers() },
		scan: func(x *scan) bool { return workerRows(x, false) },
		seek: map[int]producer{0: func(x *scan) bool { return workerRows(x, true) }}},
	"catalog.master_properties": {cols: colsMasterProperties,
		scan: func(x *scan) bool {
			names := namesOf(x, x.s.MasterProperties)
			for ; x.pos < len(names); x.pos++ {
				if x.w.full() {
					return false
				}
				if v, ok := x.s.MasterProperties[names[x.pos]]; ok && names[x.pos] != "CLUSTER_LOGDB_CONNECTIONSTRING" {
					x.w.str(names[x.pos])
					x.w.str(v)
				}
			}
			return true
		}},
	"catalog.catalog_properties": {cols: colsCatalogProperties,
		scan: func(x *scan) bool {
			names := namesOf(x, x.s.CatalogProperties)
			for ; x.pos < len(names); x.pos++ {
				if x.w.full() {
					return false
				}
				if v, ok := x.s.CatalogProperties[names[x.pos]]; ok {
					x.w.str(names[x.pos])
					x.w.str(v)
				}
			}
			return true
		}},
	"catalog.customized_logging_levels": {cols: colsLoggingLevels,
		scan: func(x *scan) bool {
			names := namesOf(x, x.s.LoggingLevels)
			for ; x.pos < len(names); x.pos++ {
				if x.w.full() {
					return false
				}
				if l := x.s.LoggingLevels[names[x.pos]]; l != nil {
					w := &x.w
					w.int(l.ID)
					w.str(l.Name)
					w.str(l.Description)
					w.int(l.ProfileValue)
					w.int(l.EventsValue)
					w.bytes(l.CreatedBySID)
					w.str(l.CreatedByName)
					w.time(l.Created)
				}
			}
			return true
		}},
	"catalog.effective_object_permissions": {cols: colsEffective, scan: effectiveRows},
	"catalog.explicit_object_permissions": {cols: colsExplicit,
		scan: func(x *scan) bool {
			if !x.keyed {
				x.keyed = true
				for k := range x.s.Permissions {
					x.perms = append(x.perms, k)
				}
				sortPermKeys(x.perms)
			}
			for ; x.pos < len(x.perms); x.pos++ {
				if x.w.full() {
					return false
				}
				k := x.perms[x.pos]
				if x.s.visibleObject(x.sc, k.ObjectType, k.ObjectID) != nil {
					continue
				}
				// A securable's grants (a few) are written together: a
				// revoke and its rollback rebuild the list, so a place
				// inside it would not hold.
				for _, g := range x.s.Permissions[k] {
					x.w.int(int64(k.ObjectType))
					x.w.int(k.ObjectID)
					x.w.int(int64(g.PrincipalID))
					x.w.int(int64(g.Permission))
					x.w.bit(g.Deny)
					x.w.int(int64(g.GrantorID))
				}
			}
			return true
		}},
	"internal.operations":     withDeny(opsView(colsInternalOperations, anyOp, internalOperationRow, 0), "operations"),
	"internal.executions":     withDeny(opsView(colsInternalExecutions, anyExec, internalExecutionRow, 0), "executions"),
	"internal.execution_info": withDeny(opsView(colsExecutions, anyExec, executionRow, 0), "execution_info"),
	"internal.jobs": {cols: colsJobs, deny: denyInternal("jobs"),
		pre: func(c *Catalog) any { return masterOf(c).Jobs() },
		scan: func(x *scan) bool {
			js, w := x.extra.([]scaleout.Job), &x.w
			for ; x.pos < len(js); x.pos++ {
				if w.full() {
					return false
				}
				j := &js[x.pos]
				w.guid(&j.ID)
				w.bit(j.IsCancelled)
				w.time(j.CreatedTime)
				w.int(int64(j.JobType))
				w.str(j.InputData)
				w.str(j.Creator)
				w.int(int64(j.Priority))
				w.time(j.LastUpdatedTime)
			}
			return true
		}},
	"internal.tasks": {cols: colsTasks, deny: denyInternal("tasks"),
		pre: func(c *Catalog) any { return masterOf(c).Tasks() },
		scan: func(x *scan) bool {
			ts, w := x.extra.([]scaleout.Task), &x.w
			for ; x.pos < len(ts); x.pos++ {
				if w.full() {
					return false
				}
				t := &ts[x.pos]
				w.guid(&t.ID)
				w.guid(&t.JobID)
				w.int(int64(t.TaskType))
				w.str(t.InputData)
				w.int(int64(t.MaxExecutedCount))
				w.int(int64(t.ExecutedCount))
				w.int(int64(t.Status))
				w.bit(t.IsCritical)
				w.int(int64(t.Priority))
				w.time(t.ReadyForDispatchTime)
				w.time(t.LastUpdatedTime)
				w.time(t.CreatedTime)
				w.guidOrNull(&t.WorkerAgentID)
				w.time(t.ExpiredTime)
				w.guidOrNull(&t.CreateWorkerAgentID)
				w.bit(t.IsCancelled)
				w.time(t.LastPickupTime)
			}
			return true
		}},
	"internal.job_worker_agents": {cols: colsJobWorkers, deny: denyInternal("job_worker_agents"),
		pre: func(c *Catalog) any { return masterOf(c).JobWorkers() },
		scan: func(x *scan) bool {
			js, w := x.extra.([]scaleout.JobWorker), &x.w
			for ; x.pos < len(js); x.pos++ {
				if w.full() {
					return false
				}
				w.guid(&js[x.pos].JobID)
				w.guid(&js[x.pos].WorkerAgentID)
			}
			return true
		}},
}

// logReadable: projects and packages are among the views ssis_logreader
// reads in full (reference §5.1).
func logReadable(s *State, sc *secCtx, p *Project) bool {
	return sc.has("ssis_logreader") || s.check(sc, ObjProject, p.ID, PermRead)
}
