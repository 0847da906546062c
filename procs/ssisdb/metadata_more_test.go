package ssisdb

// The views added with the validations, object versions and data taps,
// with their columns as the SSISDB schema declares them.
func init() {
	referenceViews["validations"] = "validation_id bigint, environment_scope char(1), validate_type char(1), " +
		"folder_name sysname, project_name sysname, project_lsn bigint, use32bitruntime bit, reference_id bigint, " +
		"operation_type smallint, object_name nvarchar(260), object_type smallint, object_id bigint, " +
		"start_time datetimeoffset(7), end_time datetimeoffset(7), status int, caller_sid varbinary(85), caller_name sysname, " +
		"process_id int, stopped_by_sid varbinary(85), stopped_by_name nvarchar(128), dump_id uniqueidentifier, " +
		"server_name nvarchar(128), machine_name nvarchar(128)"
	referenceViews["extended_operation_info"] = "info_id bigint, operation_id bigint, object_name nvarchar(260), " +
		"object_type smallint, reference_id bigint, status int, start_time datetimeoffset(7), end_time datetimeoffset(7)"
	referenceViews["execution_data_taps"] = "data_tap_id bigint, execution_id bigint, package_path nvarchar(max), " +
		"dataflow_path_id_string nvarchar(4000), dataflow_task_guid uniqueidentifier, max_rows int, filename nvarchar(4000)"
	referenceViews["execution_component_phases"] = "phase_stats_id bigint, execution_id bigint, package_name nvarchar(260), " +
		"task_name nvarchar(4000), subcomponent_name nvarchar(4000), phase sysname, start_time datetimeoffset(7), " +
		"end_time datetimeoffset(7), execution_path nvarchar(max)"
	referenceViews["execution_data_statistics"] = "data_stats_id bigint, execution_id bigint, package_name nvarchar(260), " +
		"task_name nvarchar(4000), dataflow_path_id_string nvarchar(4000), dataflow_path_name nvarchar(4000), " +
		"source_component_name nvarchar(4000), destination_component_name nvarchar(4000), rows_sent bigint, " +
		"created_time datetimeoffset(7), execution_path nvarchar(max)"
	referenceViews["object_versions"] = "object_version_lsn bigint, object_id bigint, object_type smallint, object_name sysname, " +
		"description nvarchar(1024), created_by nvarchar(128), created_time datetimeoffset(7), restored_by nvarchar(128), " +
		"last_restored_time datetimeoffset(7)"
}
