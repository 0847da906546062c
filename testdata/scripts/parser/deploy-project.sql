-- Deployment script run by the release pipeline in SQLCMD mode:
--   sqlcmd -S $(server) -E -b -i deploy-project.sql -v IspacPath="..."
:setvar FolderName "Finance"
:setvar ProjectName "FinanceETL"
:setvar EnvironmentName "Production"
:setvar IspacPath "D:\Releases\FinanceETL\FinanceETL.ispac"
:on error exit

SET NOCOUNT ON;
USE [SSISDB];
GO

DECLARE @folder_id bigint;

IF NOT EXISTS (SELECT 1 FROM [catalog].[folders] WHERE [name] = N'$(FolderName)')
BEGIN
    EXEC [catalog].[create_folder] @folder_name = N'$(FolderName)', @folder_id = @folder_id OUTPUT;
    EXEC [catalog].[set_folder_description] N'$(FolderName)', N'Finance packages, deployed by the pipeline';
    PRINT 'Created folder $(FolderName) (' + CAST(@folder_id AS varchar(20)) + ')';
END
ELSE
    PRINT 'Folder $(FolderName) already exists';
GO

DECLARE @project_stream varbinary(max);
DECLARE @operation_id bigint;

SELECT @project_stream = BulkColumn
FROM OPENROWSET(BULK N'$(IspacPath)', SINGLE_BLOB) AS ispac;

EXEC [catalog].[deploy_project]
     @folder_name    = N'$(FolderName)',
     @project_name   = N'$(ProjectName)',
     @project_stream = @project_stream,
     @operation_id   = @operation_id OUTPUT;

SELECT [message_time], [message_type], [message]
FROM [catalog].[operation_messages]
WHERE [operation_id] = @operation_id
ORDER BY [message_time];
GO

-- Environment and its variables, created once.
DECLARE @environment_id bigint, @reference_id bigint;

IF NOT EXISTS (SELECT 1 FROM catalog.environments e
               JOIN catalog.folders f ON f.folder_id = e.folder_id
               WHERE f.name = N'$(FolderName)' AND e.name = N'$(EnvironmentName)')
BEGIN
    EXEC catalog.create_environment N'$(FolderName)', N'$(EnvironmentName)', N'Production settings';
    EXEC catalog.create_environment_variable @folder_name = N'$(FolderName)', @environment_name = N'$(EnvironmentName)',
         @variable_name = N'WarehouseConnection', @data_type = N'String', @sensitive = False,
         @value = N'Data Source=dw01;Initial Catalog=Finance;Integrated Security=SSPI;', @description = N'';
    EXEC catalog.create_environment_variable @folder_name = N'$(FolderName)', @environment_name = N'$(EnvironmentName)',
         @variable_name = N'BatchSize', @data_type = N'Int32', @sensitive = False, @value = 5000, @description = N'';
END

SELECT @reference_id = reference_id
FROM catalog.environment_references r
INNER JOIN catalog.projects p ON p.project_id = r.project_id
WHERE p.name = N'$(ProjectName)' AND r.environment_name = N'$(EnvironmentName)';

IF @reference_id IS NULL
    EXEC catalog.create_environment_reference
         @folder_name = N'$(FolderName)', @project_name = N'$(ProjectName)',
         @environment_name = N'$(EnvironmentName)', @reference_type = R,
         @reference_id = @reference_id OUTPUT;

EXEC catalog.set_object_parameter_value @object_type = 20, @folder_name = N'$(FolderName)',
     @project_name = N'$(ProjectName)', @parameter_name = N'CM.Warehouse.ConnectionString',
     @parameter_value = N'WarehouseConnection', @value_type = R;
EXEC catalog.set_object_parameter_value 20, N'$(FolderName)', N'$(ProjectName)', N'BatchSize', N'BatchSize', NULL, R;
GO
