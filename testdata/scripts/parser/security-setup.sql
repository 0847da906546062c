-- Give the CI service account what it needs to deploy and run packages.
USE [master]
GO
IF NOT EXISTS (SELECT 1 FROM sys.server_principals WHERE name = N'CONTOSO\svc-ci')
    CREATE LOGIN [CONTOSO\svc-ci] FROM WINDOWS WITH DEFAULT_DATABASE = [SSISDB];
IF SUSER_ID(N'ci_reader') IS NULL
    CREATE LOGIN ci_reader WITH PASSWORD = N'Str0ng!Passw0rd', CHECK_POLICY = OFF, CHECK_EXPIRATION = OFF, DEFAULT_DATABASE = SSISDB;
ALTER LOGIN ci_reader ENABLE;
GO
USE [SSISDB]
GO
CREATE USER [CONTOSO\svc-ci] FOR LOGIN [CONTOSO\svc-ci] WITH DEFAULT_SCHEMA = [catalog];
CREATE USER ci_reader FROM LOGIN ci_reader;
ALTER ROLE [ssis_admin] ADD MEMBER [CONTOSO\svc-ci];
ALTER ROLE ssis_logreader ADD MEMBER ci_reader;
GRANT EXECUTE ON SCHEMA::[catalog] TO [CONTOSO\svc-ci];
DENY EXECUTE ON OBJECT::catalog.deploy_project TO ci_reader;
GO
-- Folder-level permission through the catalog (object_type 1 = folder, 103 = EXECUTE_OBJECTS).
DECLARE @folder_id bigint = (SELECT folder_id FROM catalog.folders WHERE name = N'Finance');
DECLARE @principal_id int = DATABASE_PRINCIPAL_ID(N'ci_reader');
EXEC catalog.grant_permission @object_type = 1, @object_id = @folder_id, @principal_id = @principal_id, @permission_type = 103;
GO
-- Check what the reader sees.
EXECUTE AS LOGIN = N'ci_reader';
SELECT SUSER_SNAME() AS login_name, USER_NAME() AS user_name, IS_MEMBER('ssis_logreader') AS is_logreader;
SELECT COUNT(*) AS visible_executions FROM catalog.executions;
REVERT;
GO
-- Tear down (kept for the test environment's reset job).
ALTER ROLE ssis_logreader DROP MEMBER ci_reader;
DROP USER IF EXISTS ci_reader;
USE master;
DROP LOGIN ci_reader;
GO
