-- The procedure a SQL Agent job step calls (EXEC dbo.usp_RunCatalogPackage ...)
-- to run a catalog package, retrying transient failures and recording each
-- attempt in a log table.
IF OBJECT_ID(N'dbo.usp_RunCatalogPackage', N'P') IS NOT NULL
    DROP PROCEDURE dbo.usp_RunCatalogPackage;
GO
CREATE OR ALTER PROCEDURE dbo.usp_RunCatalogPackage
    @Folder      nvarchar(128),
    @Project     nvarchar(128),
    @Package     nvarchar(260),
    @Environment nvarchar(128) = NULL,
    @Use32Bit    bit = False,
    @MaxAttempts tinyint = 3,
    @ExecutionID bigint = NULL OUTPUT
WITH EXECUTE AS CALLER
AS
BEGIN
    SET NOCOUNT ON;

    DECLARE @attempt tinyint = 0,
            @status int,
            @reference_id bigint,
            @error nvarchar(4000);

    DECLARE @log TABLE (
        attempt     tinyint      NOT NULL PRIMARY KEY,
        executionid bigint       NULL,
        status      int          NULL,
        error       nvarchar(4000) NULL,
        logged_at   datetime2(0) NOT NULL DEFAULT (SYSDATETIME())
    );

    IF @Environment IS NOT NULL
        SELECT @reference_id = r.reference_id
        FROM SSISDB.catalog.environment_references AS r
        JOIN SSISDB.catalog.projects AS p ON p.project_id = r.project_id
        JOIN SSISDB.catalog.folders AS f ON f.folder_id = p.folder_id
        WHERE f.name = @Folder AND p.name = @Project AND r.environment_name = @Environment;

attempt:
    SET @attempt += 1;
    BEGIN TRY
        EXEC SSISDB.catalog.create_execution
             @folder_name = @Folder, @project_name = @Project, @package_name = @Package,
             @use32bitruntime = @Use32Bit, @reference_id = @reference_id,
             @execution_id = @ExecutionID OUTPUT;

        DECLARE @sync sql_variant = CAST(1 AS bit);
        EXEC SSISDB.catalog.set_execution_parameter_value @ExecutionID, 50, N'SYNCHRONIZED', @sync;
        EXEC SSISDB.catalog.start_execution @ExecutionID;

        SELECT @status = status FROM SSISDB.catalog.executions WHERE execution_id = @ExecutionID;
        INSERT INTO @log (attempt, executionid, status) VALUES (@attempt, @ExecutionID, @status);
    END TRY
    BEGIN CATCH
        SET @error = ERROR_MESSAGE();
        INSERT INTO @log (attempt, executionid, status, error)
        VALUES (@attempt, @ExecutionID, NULL, @error);
        IF ERROR_NUMBER() IN (1205, 27119) AND @attempt < @MaxAttempts
        BEGIN
            WAITFOR DELAY '00:00:30';
            GOTO attempt;
        END;
        THROW;
    END CATCH

    IF @status <> 7 AND @attempt < @MaxAttempts
    BEGIN
        WAITFOR DELAY '00:00:30';
        GOTO attempt;
    END

    SELECT attempt, executionid, status, error, logged_at FROM @log ORDER BY attempt;

    IF @status = 7
        RETURN 0;

    RAISERROR(N'Package %s failed after %d attempt(s); last execution %I64d.', 16, 1,
              @Package, @attempt, @ExecutionID);
    RETURN 1;
END
GO

-- The job step itself.
DECLARE @rc int, @id bigint;
EXEC @rc = dbo.usp_RunCatalogPackage N'Finance', N'FinanceETL', N'Load GL.dtsx',
     @Environment = N'Production', @ExecutionID = @id OUTPUT;
SELECT @rc AS return_code, @id AS execution_id;
GO
