-- Errors that deployment tools and scripts depend on, with their exact numbers and texts.
USE SSISDB
GO
DECLARE @id bigint
EXEC catalog.create_folder @folder_name = N'folder1', @folder_id = @id OUTPUT
GO
EXEC catalog.start_execution @execution_id = 0
GO
EXEC catalog.start_execution 987654
GO
EXEC catalog.create_execution @folder_name = N'folder1', @project_name = N'project1', @package_name = N'nope.dtsx', @execution_id = 1
GO
DECLARE @e bigint
EXEC catalog.create_execution N'folder1', N'project1', N'package1.dtsx', NULL, 0, @e OUTPUT
GO
EXEC catalog.create_execution @folder_name = N'folder1', @bogus = 1
GO
SELEC 1
GO
SELECT 1 +
GO
