package catalog

import (
	"strings"

	"github.com/google/uuid"

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

type emitFn = func(...any)

func sens(sensitive bool, v sqltype.Value) any {
	if sensitive {
		return nil
	}
	return v
}

func nilGUID(u uuid.UUID) any {
	if u == uuid.Nil {
		return nil
	}
	return u
}

func projectRow(s *State, p *Project, emit emitFn) {
	emit(p.ID, p.FolderID, p.Name, p.Description, p.FormatVersion, p.DeployedBySID, p.DeployedByName, p.LastDeployed,
		p.Created, p.LSN, "N", nil)
}

func executionRow(op *Operation, emit emitFn) {
	ex := op.Exec
	emit(op.ID, ex.FolderName, ex.ProjectName, ex.PackageName, ex.ReferenceID, ex.ReferenceType, ex.EnvFolderName, ex.EnvName,
		ex.ProjectLSN, ex.ExecutedAsSID, ex.ExecutedAsName, ex.Use32Bit, op.Type, op.Created, op.ObjectType, op.ObjectID,
		op.Status, op.Start, op.End, op.CallerSID, op.CallerName, op.ProcessID, op.StoppedBySID, op.StoppedByName, op.GUID,
		op.ServerName, op.MachineName, op.WorkerAgentID, osInfo(op, 16777216), osInfo(op, 8388608), osInfo(op, 33554432),
		osInfo(op, 16777216), osCPU(op), op.ExecutedCount)
}

// osInfo stands in for the OS figures start_execution records (the real
// catalog asks the CLR); NULL until the execution has started.
func osInfo(op *Operation, kb int64) any {
	if op.Start.IsZero() {
		return nil
	}
	return kb
}

func osCPU(op *Operation) any {
	if op.Start.IsZero() {
		return nil
	}
	return int32(8)
}

func operationRow(op *Operation, emit emitFn) {
	emit(op.ID, op.Type, op.Created, op.ObjectType, op.ObjectID, op.ObjectName, op.Status, op.Start, op.End, op.CallerSID,
		op.CallerName, op.ProcessID, op.StoppedBySID, op.StoppedByName, op.ServerName, op.MachineName)
}

func internalOperationRow(op *Operation, emit emitFn) {
	emit(op.ID, op.Type, op.Created, op.ObjectType, op.ObjectID, op.ObjectName, op.Status, op.Start, op.End, op.CallerSID,
		op.CallerName, op.ProcessID, op.StoppedBySID, op.StoppedByName, op.GUID, op.ServerName, op.MachineName,
		op.WorkerAgentID, op.ExecutedCount)
}

// readableOps walks the operations the caller may read, oldest first.
func readableOps(s *State, sc *secCtx, f func(*Operation)) {
	for _, id := range s.OperationOrder {
		if op := s.Operations[id]; op != nil && s.check(sc, ObjOperation, id, PermRead) {
			f(op)
		}
	}
}

// opByKey is the O(1) seek on an operation id column.
func opByKey(s *State, sc *secCtx, key sqltype.Value, f func(*Operation)) {
	id, ok := seekInt(key)
	if !ok {
		return
	}
	if op := s.Operations[id]; op != nil && s.check(sc, ObjOperation, id, PermRead) {
		f(op)
	}
}

func messageRows(op *Operation, emit emitFn) {
	for _, m := range op.Messages {
		emit(m.ID, m.OperationID, m.Time, m.Type, m.SourceType, m.Message, m.ExtendedInfoID)
	}
}

func eventRows(op *Operation, emit emitFn) {
	for _, m := range op.Messages {
		e := m.Event
		if e == nil {
			continue
		}
		// The real view computes the source name from the source type.
		src := e.SourceName
		switch m.SourceType {
		case 10:
			src = "ISServerExec"
		case 20:
			src = "Transact-SQL stored procedure"
		}
		emit(e.EventMessageID, m.OperationID, m.Time, m.Type, m.SourceType, m.Message, m.ExtendedInfoID, e.PackageName,
			e.EventName, src, e.SourceID, e.Subcomponent, e.PackagePath, e.ExecutionPath, e.ThreadID, e.MessageCode, e.GUID)
	}
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

var catalogViews = map[string]*viewDef{
	"catalog.folders": {cols: colsFolders,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			for _, f := range sortedFolders(s) {
				if s.canReadFolder(sc, f) {
					emit(f.ID, f.Name, f.Description, f.CreatedBySID, f.CreatedByName, f.Created)
				}
			}
		},
		seek: map[int]func(*State, *secCtx, sqltype.Value, any, emitFn){
			0: func(s *State, sc *secCtx, key sqltype.Value, _ any, emit emitFn) {
				id, _ := seekInt(key)
				if f := s.Folders[id]; f != nil && s.canReadFolder(sc, f) {
					emit(f.ID, f.Name, f.Description, f.CreatedBySID, f.CreatedByName, f.Created)
				}
			},
			1: func(s *State, sc *secCtx, key sqltype.Value, _ any, emit emitFn) {
				if f := s.folderByName(strings.TrimRight(valueText(key), " ")); f != nil && s.canReadFolder(sc, f) {
					emit(f.ID, f.Name, f.Description, f.CreatedBySID, f.CreatedByName, f.Created)
				}
			},
		}},
	"catalog.projects": {cols: colsProjects,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			for _, p := range sortedProjects(s) {
				if logReadable(s, sc, p) {
					projectRow(s, p, emit)
				}
			}
		},
		seek: map[int]func(*State, *secCtx, sqltype.Value, any, emitFn){
			0: func(s *State, sc *secCtx, key sqltype.Value, _ any, emit emitFn) {
				id, _ := seekInt(key)
				if p := s.Projects[id]; p != nil && logReadable(s, sc, p) {
					projectRow(s, p, emit)
				}
			},
			2: func(s *State, sc *secCtx, key sqltype.Value, _ any, emit emitFn) {
				name := strings.TrimRight(valueText(key), " ")
				for _, p := range sortedProjects(s) {
					if strings.EqualFold(p.Name, name) && logReadable(s, sc, p) {
						projectRow(s, p, emit)
					}
				}
			},
		}},
	"catalog.packages": {cols: colsPackages,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			for _, p := range sortedProjects(s) {
				if logReadable(s, sc, p) {
					for _, pk := range p.Packages {
						emit(pk.ID, pk.Name, pk.GUID, pk.Description, pk.FormatVersion, pk.VersionMajor, pk.VersionMinor,
							pk.VersionBuild, pk.VersionComments, pk.VersionGUID, pk.ProjectID, pk.EntryPoint, "N", nil)
					}
				}
			}
		}},
	"catalog.object_parameters": {cols: colsObjectParameters,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			for _, p := range sortedProjects(s) {
				if !s.check(sc, ObjProject, p.ID, PermRead) {
					continue
				}
				for _, q := range p.Params {
					var ref any
					if q.ValueType == 'R' {
						ref = q.ReferencedVar
					}
					emit(q.ID, q.ProjectID, q.ObjectType, q.ObjectName, q.Name, q.DataType, q.Required, q.Sensitive,
						q.Description, sens(q.Sensitive, q.DesignDefault), sens(q.Sensitive, q.Default), q.ValueType, q.ValueSet,
						ref, "N", nil)
				}
			}
		}},
	"catalog.environments": {cols: colsEnvironments,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			for _, e := range sortedEnvironments(s) {
				if s.check(sc, ObjEnvironment, e.ID, PermRead) {
					emit(e.ID, e.Name, e.FolderID, e.Description, e.CreatedBySID, e.CreatedByName, e.Created)
				}
			}
		}},
	"catalog.environment_variables": {cols: colsEnvironmentVariables,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			for _, e := range sortedEnvironments(s) {
				if s.check(sc, ObjEnvironment, e.ID, PermRead) {
					for _, v := range e.Variables {
						emit(v.ID, v.EnvironmentID, v.Name, v.Description, v.Type, v.Sensitive, sens(v.Sensitive, v.Value))
					}
				}
			}
		}},
	"catalog.environment_references": {cols: colsEnvironmentReferences,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			for _, r := range sortedReferences(s) {
				if s.Projects[r.ProjectID] != nil && s.check(sc, ObjProject, r.ProjectID, PermRead) {
					var folder any
					if r.Type == 'A' {
						folder = r.FolderName
					}
					emit(r.ID, r.ProjectID, r.Type, folder, r.EnvironmentName, "N", nil)
				}
			}
		}},
	"catalog.operations": {cols: colsOperations,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			readableOps(s, sc, func(op *Operation) { operationRow(op, emit) })
		},
		seek: map[int]func(*State, *secCtx, sqltype.Value, any, emitFn){
			0: func(s *State, sc *secCtx, key sqltype.Value, _ any, emit emitFn) {
				opByKey(s, sc, key, func(op *Operation) { operationRow(op, emit) })
			},
		}},
	"catalog.executions": {cols: colsExecutions,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			readableOps(s, sc, func(op *Operation) {
				if op.Exec != nil {
					executionRow(op, emit)
				}
			})
		},
		seek: map[int]func(*State, *secCtx, sqltype.Value, any, emitFn){
			0: func(s *State, sc *secCtx, key sqltype.Value, _ any, emit emitFn) {
				opByKey(s, sc, key, func(op *Operation) {
					if op.Exec != nil {
						executionRow(op, emit)
					}
				})
			},
		}},
	"catalog.execution_parameter_values": {cols: colsExecParams,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			readableOps(s, sc, func(op *Operation) { execParamRows(op, emit) })
		},
		seek: map[int]func(*State, *secCtx, sqltype.Value, any, emitFn){
			1: func(s *State, sc *secCtx, key sqltype.Value, _ any, emit emitFn) {
				opByKey(s, sc, key, func(op *Operation) { execParamRows(op, emit) })
			},
		}},
	"catalog.execution_property_override_values": {cols: colsOverrides,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			readableOps(s, sc, func(op *Operation) {
				if op.Exec != nil {
					for _, o := range op.Exec.Overrides {
						var v any = o.Value
						if o.Sensitive {
							v = nil
						}
						emit(o.ID, op.ID, o.Path, v, o.Sensitive)
					}
				}
			})
		}},
	"catalog.operation_messages": {cols: colsOperationMessages,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			readableOps(s, sc, func(op *Operation) { messageRows(op, emit) })
		},
		seek: map[int]func(*State, *secCtx, sqltype.Value, any, emitFn){
			1: func(s *State, sc *secCtx, key sqltype.Value, _ any, emit emitFn) {
				opByKey(s, sc, key, func(op *Operation) { messageRows(op, emit) })
			},
		}},
	"catalog.event_messages": {cols: colsEventMessages,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			readableOps(s, sc, func(op *Operation) { eventRows(op, emit) })
		},
		seek: map[int]func(*State, *secCtx, sqltype.Value, any, emitFn){
			1: func(s *State, sc *secCtx, key sqltype.Value, _ any, emit emitFn) {
				opByKey(s, sc, key, func(op *Operation) { eventRows(op, emit) })
			},
		}},
	"catalog.event_message_context": {cols: colsEventContext,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			readableOps(s, sc, func(op *Operation) {
				if op.Exec != nil {
					for _, x := range op.Exec.Contexts {
						emit(x.ID, x.EventMessageID, x.Depth, x.PackagePath, x.ContextType, x.SourceName, x.SourceID,
							x.PropertyName, x.PropertyValue, x.EventGUID)
					}
				}
			})
		}},
	"catalog.executables": {cols: colsExecutables,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			readableOps(s, sc, func(op *Operation) {
				if op.Exec != nil {
					for _, e := range op.Exec.Executables {
						emit(e.ID, e.ExecutionID, e.Name, e.GUID, e.PackageName, e.PackagePath)
					}
				}
			})
		}},
	"catalog.executable_statistics": {cols: colsExecutableStatistics,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			readableOps(s, sc, func(op *Operation) {
				if op.Exec != nil {
					for _, st := range op.Exec.Statistics {
						var dur, res any
						if !st.End.IsZero() {
							dur, res = st.DurationMS, st.Result
						}
						emit(st.ID, st.ExecutionID, st.ExecutableID, st.ExecutionPath, st.Start, st.End, dur, res, nil)
					}
				}
			})
		}},
	"catalog.worker_agents": {cols: colsWorkerAgents,
		pre: func(c *Catalog) any { return masterOf(c).Workers() },
		scan: func(s *State, sc *secCtx, extra any, emit emitFn) {
			if !sc.admin() && !sc.has("ssis_cluster_executor") {
				return
			}
			for _, w := range extra.([]scaleout.Worker) {
				emit(w.ID, w.Enabled, w.DisplayName, w.Description, w.MachineName, w.Tags, w.UserAccount, w.LastOnlineTime)
			}
		},
		seek: map[int]func(*State, *secCtx, sqltype.Value, any, emitFn){
			0: func(s *State, sc *secCtx, key sqltype.Value, extra any, emit emitFn) {
				if !sc.admin() && !sc.has("ssis_cluster_executor") || key.Kind() != sqltype.UniqueIdentifier {
					return
				}
				for _, w := range extra.([]scaleout.Worker) {
					if w.ID == key.UUID() {
						emit(w.ID, w.Enabled, w.DisplayName, w.Description, w.MachineName, w.Tags, w.UserAccount, w.LastOnlineTime)
					}
				}
			},
		}},
	"catalog.master_properties": {cols: colsMasterProperties,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			for _, k := range sortedKeys(s.MasterProperties) {
				if k != "CLUSTER_LOGDB_CONNECTIONSTRING" {
					emit(k, s.MasterProperties[k])
				}
			}
		}},
	"catalog.catalog_properties": {cols: colsCatalogProperties,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			for _, k := range sortedKeys(s.CatalogProperties) {
				emit(k, s.CatalogProperties[k])
			}
		}},
	"catalog.customized_logging_levels": {cols: colsLoggingLevels,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			for _, k := range sortedKeys(s.LoggingLevels) {
				l := s.LoggingLevels[k]
				emit(l.ID, l.Name, l.Description, l.ProfileValue, l.EventsValue, l.CreatedBySID, l.CreatedByName, l.Created)
			}
		}},
	"catalog.effective_object_permissions": {cols: colsEffective,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			each := func(t int16, id int64, perms []int16) {
				for _, p := range perms {
					if s.effective(sc, t, id, p) {
						emit(t, id, p)
					}
				}
			}
			for _, f := range sortedFolders(s) {
				each(ObjFolder, f.ID, []int16{1, 2, 4, 100, 101, 102, 103, 104})
			}
			for _, p := range sortedProjects(s) {
				each(ObjProject, p.ID, []int16{1, 2, 3, 4})
			}
			for _, e := range sortedEnvironments(s) {
				each(ObjEnvironment, e.ID, []int16{1, 2, 4})
			}
			for _, id := range s.OperationOrder {
				if s.Operations[id] != nil {
					each(ObjOperation, id, []int16{1, 2, 4})
				}
			}
		}},
	"catalog.explicit_object_permissions": {cols: colsExplicit,
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			for _, k := range sortedPermKeys(s) {
				if s.visibleObject(sc, k.ObjectType, k.ObjectID) != nil {
					continue
				}
				for _, g := range s.Permissions[k] {
					emit(k.ObjectType, k.ObjectID, g.PrincipalID, g.Permission, g.Deny, g.GrantorID)
				}
			}
		}},
	"internal.operations": {cols: colsInternalOperations, deny: denyInternal("operations"),
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			for _, id := range s.OperationOrder {
				if op := s.Operations[id]; op != nil {
					internalOperationRow(op, emit)
				}
			}
		},
		seek: map[int]func(*State, *secCtx, sqltype.Value, any, emitFn){
			0: func(s *State, sc *secCtx, key sqltype.Value, _ any, emit emitFn) {
				id, _ := seekInt(key)
				if op := s.Operations[id]; op != nil {
					internalOperationRow(op, emit)
				}
			},
		}},
	"internal.executions": {cols: colsInternalExecutions, deny: denyInternal("executions"),
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			for _, id := range s.OperationOrder {
				if op := s.Operations[id]; op != nil && op.Exec != nil {
					internalExecutionRow(op, emit)
				}
			}
		},
		seek: map[int]func(*State, *secCtx, sqltype.Value, any, emitFn){
			0: func(s *State, sc *secCtx, key sqltype.Value, _ any, emit emitFn) {
				id, _ := seekInt(key)
				if op := s.Operations[id]; op != nil && op.Exec != nil {
					internalExecutionRow(op, emit)
				}
			},
		}},
	"internal.execution_info": {cols: colsExecutions, deny: denyInternal("execution_info"),
		scan: func(s *State, sc *secCtx, _ any, emit emitFn) {
			for _, id := range s.OperationOrder {
				if op := s.Operations[id]; op != nil && op.Exec != nil {
					executionRow(op, emit)
				}
			}
		},
		seek: map[int]func(*State, *secCtx, sqltype.Value, any, emitFn){
			0: func(s *State, sc *secCtx, key sqltype.Value, _ any, emit emitFn) {
				id, _ := seekInt(key)
				if op := s.Operations[id]; op != nil && op.Exec != nil {
					executionRow(op, emit)
				}
			},
		}},
	"internal.jobs": {cols: colsJobs, deny: denyInternal("jobs"),
		pre: func(c *Catalog) any { return masterOf(c).Jobs() },
		scan: func(s *State, sc *secCtx, extra any, emit emitFn) {
			for _, j := range extra.([]scaleout.Job) {
				emit(j.ID, j.IsCancelled, j.CreatedTime, int32(j.JobType), j.InputData, j.Creator, int32(j.Priority), j.LastUpdatedTime)
			}
		}},
	"internal.tasks": {cols: colsTasks, deny: denyInternal("tasks"),
		pre: func(c *Catalog) any { return masterOf(c).Tasks() },
		scan: func(s *State, sc *secCtx, extra any, emit emitFn) {
			for _, t := range extra.([]scaleout.Task) {
				emit(t.ID, t.JobID, int32(t.TaskType), t.InputData, int32(t.MaxExecutedCount), int32(t.ExecutedCount), int32(t.Status),
					t.IsCritical, int32(t.Priority), t.ReadyForDispatchTime, t.LastUpdatedTime, t.CreatedTime, nilGUID(t.WorkerAgentID),
					t.ExpiredTime, nilGUID(t.CreateWorkerAgentID), t.IsCancelled, t.LastPickupTime)
			}
		}},
	"internal.job_worker_agents": {cols: colsJobWorkers, deny: denyInternal("job_worker_agents"),
		pre: func(c *Catalog) any { return masterOf(c).JobWorkers() },
		scan: func(s *State, sc *secCtx, extra any, emit emitFn) {
			for _, j := range extra.([]scaleout.JobWorker) {
				emit(j.JobID, j.WorkerAgentID)
			}
		}},
}

// logReadable: projects and packages are among the views ssis_logreader
// reads in full (reference §5.1).
func logReadable(s *State, sc *secCtx, p *Project) bool {
	return sc.has("ssis_logreader") || s.check(sc, ObjProject, p.ID, PermRead)
}

func execParamRows(op *Operation, emit emitFn) {
	if op.Exec == nil {
		return
	}
	for _, p := range op.Exec.Params {
		emit(p.ID, op.ID, p.ObjectType, p.DataType, p.Name, sens(p.Sensitive, p.Value), p.Sensitive, p.Required, p.ValueSet, p.RuntimeOverride)
	}
}

func internalExecutionRow(op *Operation, emit emitFn) {
	ex := op.Exec
	emit(op.ID, ex.FolderName, ex.ProjectName, ex.PackageName, ex.ReferenceID, ex.ReferenceType, ex.EnvFolderName, ex.EnvName,
		ex.ProjectLSN, ex.ExecutedAsSID, ex.ExecutedAsName, ex.Use32Bit, ex.JobID)
}
