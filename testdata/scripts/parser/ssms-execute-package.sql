-- What SSMS scripts for "Execute..." on a package in Integration Services
-- Catalogs, with a project parameter, a connection manager override, the
-- SYNCHRONIZED system parameter and an environment reference.
Declare @execution_id bigint
EXEC [SSISDB].[catalog].[create_execution] @package_name=N'LoadOrders.dtsx', @execution_id=@execution_id OUTPUT, @folder_name=N'Sales', @project_name=N'SalesETL', @use32bitruntime=False, @reference_id=Null, @runinscaleout=False
Select @execution_id
DECLARE @var0 sql_variant = N'2024-01-31'
EXEC [SSISDB].[catalog].[set_execution_parameter_value] @execution_id,  @object_type=20, @parameter_name=N'LoadDate', @parameter_value=@var0
DECLARE @var1 sql_variant = N'Data Source=sql01;Initial Catalog=Sales;Integrated Security=SSPI;'
EXEC [SSISDB].[catalog].[set_execution_parameter_value] @execution_id,  @object_type=20, @parameter_name=N'CM.Sales.ConnectionString', @parameter_value=@var1
DECLARE @var2 smallint = 1
EXEC [SSISDB].[catalog].[set_execution_parameter_value] @execution_id,  @object_type=50, @parameter_name=N'LOGGING_LEVEL', @parameter_value=@var2
DECLARE @var3 bit = 1
EXEC [SSISDB].[catalog].[set_execution_parameter_value] @execution_id,  @object_type=50, @parameter_name=N'SYNCHRONIZED', @parameter_value=@var3
EXEC [SSISDB].[catalog].[start_execution] @execution_id
GO

-- The same package through an environment reference looked up first.
USE SSISDB
GO
DECLARE @reference_id bigint
SELECT @reference_id = er.reference_id
FROM catalog.environment_references er
    INNER JOIN catalog.projects p ON p.project_id = er.project_id
    INNER JOIN catalog.folders f ON f.folder_id = p.folder_id
WHERE f.name = N'Sales' AND p.name = N'SalesETL' AND er.environment_name = N'Production'

Declare @execution_id bigint
EXEC catalog.create_execution N'Sales', N'SalesETL', N'LoadOrders.dtsx', @reference_id, 0, @execution_id = @execution_id OUTPUT
EXEC catalog.start_execution @execution_id, @retry_count = 0
GO
