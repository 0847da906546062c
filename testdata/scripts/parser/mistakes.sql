-- Batches with the mistakes people make most often, each on its own so that
-- the golden file shows the exact error SQL Server gives for each one.

-- A missing comma between arguments.
EXEC catalog.create_folder @folder_name = N'Finance' @folder_id = @id OUTPUT
GO
-- An SSMS template parameter that was never replaced (Ctrl+Shift+M).
EXEC catalog.create_folder @folder_name = <folder_name, sysname, Finance>
GO
-- A GO with a semicolon is not a separator for sqlcmd, so the server sees it.
PRINT 'one'
GO;
PRINT 'two'
GO
-- A bare procedure name after the first statement needs EXEC.
PRINT 'about to run'
sp_who
GO
-- An ELSE after a semicolon.
IF 1 = 1 PRINT 'yes'; ELSE PRINT 'no';
GO
-- A keyword where a value goes.
SELECT folder_id, FROM catalog.folders
GO
-- THROW right after a statement with no semicolon.
BEGIN TRY
    SELECT 1/0 AS boom
END TRY
BEGIN CATCH
    PRINT 'caught'
    THROW
END CATCH
GO
-- A comment left open at the end of the batch.
SELECT 1 AS one /* TODO: remove
GO
