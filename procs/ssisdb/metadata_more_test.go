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
}
