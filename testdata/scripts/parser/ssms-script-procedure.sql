USE [SSISDB]
GO
/****** Object:  StoredProcedure [dbo].[usp_GetLastExecution]    Script Date: 3/14/2024 9:20:03 AM ******/
SET ANSI_NULLS ON
GO
SET QUOTED_IDENTIFIER ON
GO
-- =============================================
-- Author:      Data Platform team
-- Description: Latest execution of a package, with its outcome spelled out.
-- =============================================
CREATE PROCEDURE [dbo].[usp_GetLastExecution]
	@FolderName nvarchar(128),
	@ProjectName nvarchar(128),
	@PackageName nvarchar(260) = NULL,
	@ExecutionID bigint = NULL OUTPUT
AS
BEGIN
	SET NOCOUNT ON;

	SELECT TOP (1)
		@ExecutionID = e.execution_id
	FROM [catalog].[executions] AS e WITH (NOLOCK)
	WHERE e.folder_name = @FolderName
	  AND e.project_name = @ProjectName
	  AND (@PackageName IS NULL OR e.package_name = @PackageName)
	ORDER BY e.start_time DESC;

	SELECT e.execution_id,
	       e.package_name,
	       [status_text] = CASE e.[status]
	           WHEN 1 THEN 'Created'
	           WHEN 2 THEN 'Running'
	           WHEN 3 THEN 'Canceled'
	           WHEN 4 THEN 'Failed'
	           WHEN 5 THEN 'Pending'
	           WHEN 6 THEN 'Ended Unexpectedly'
	           WHEN 7 THEN 'Succeeded'
	           WHEN 8 THEN 'Stopping'
	           WHEN 9 THEN 'Completed'
	       END,
	       CONVERT(varchar(19), e.start_time, 120) AS started,
	       DATEDIFF(SECOND, e.start_time, ISNULL(e.end_time, SYSDATETIMEOFFSET())) AS seconds
	FROM [catalog].[executions] e
	WHERE e.execution_id = @ExecutionID;

	RETURN CASE WHEN @ExecutionID IS NULL THEN 1 ELSE 0 END;
END
GO
