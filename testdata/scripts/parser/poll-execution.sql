/*
   Start a package and wait for it, the way the nightly orchestrator does
   when it cannot use SYNCHRONIZED (it must log progress while it waits).
*/
USE SSISDB;
GO
SET NOCOUNT ON;
SET XACT_ABORT ON;

DECLARE @execution_id bigint,
        @status int = 1,
        @started datetime2(3) = SYSDATETIME(),
        @timeout_minutes int = 90,
        @msg nvarchar(2048);

EXEC catalog.create_execution
     @folder_name = N'Nightly', @project_name = N'Warehouse', @package_name = N'Master.dtsx',
     @use32bitruntime = 0, @reference_id = NULL, @execution_id = @execution_id OUTPUT;

EXEC catalog.set_execution_parameter_value @execution_id, @object_type = 50,
     @parameter_name = N'LOGGING_LEVEL', @parameter_value = 3;

EXEC catalog.start_execution @execution_id;

-- 1 created, 2 running, 5 pending, 8 stopping: keep waiting.
WHILE @status IN (1, 2, 5, 8)
BEGIN
    WAITFOR DELAY '00:00:05';

    SELECT @status = [status]
    FROM catalog.executions
    WHERE execution_id = @execution_id;

    IF DATEDIFF(MINUTE, @started, SYSDATETIME()) > @timeout_minutes
    BEGIN
        EXEC catalog.stop_operation @operation_id = @execution_id;
        RAISERROR(N'Execution %I64d timed out after %d minutes.', 16, 1, @execution_id, @timeout_minutes);
        RETURN;
    END

    RAISERROR(N'Execution %I64d is still running (status %d).', 0, 1, @execution_id, @status) WITH NOWAIT;
END

IF @status <> 7
BEGIN
    SELECT TOP (20)
           em.message_time,
           em.package_name,
           em.message_source_name,
           em.[message]
    FROM catalog.event_messages AS em
    WHERE em.operation_id = @execution_id
      AND (em.message_type = 120 OR em.event_name = N'OnError')
    ORDER BY em.message_time DESC;

    SET @msg = N'Execution ' + CONVERT(nvarchar(20), @execution_id) + N' ended with status '
             + CASE @status WHEN 3 THEN N'canceled' WHEN 4 THEN N'failed' WHEN 6 THEN N'ended unexpectedly'
                            ELSE CAST(@status AS nvarchar(10)) END;
    THROW 50001, @msg, 1;
END

SELECT execution_id, status, start_time, end_time
FROM catalog.executions
WHERE execution_id = @execution_id;
GO
