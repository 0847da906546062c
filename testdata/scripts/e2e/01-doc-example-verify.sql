-- Replays the Scale Out documentation's example batch (testdata/scripts/scaleout-doc-example.sql
-- is read by the test first), then checks what a user of SSMS would look at afterwards.
:setvar WORKER 64c020e2-f819-4c2d-a22f-efb31a91e70a
USE SSISDB
GO
-- Poll until both executions are final, as Airflow sensors and job steps do.
DECLARE @tries int = 0
WHILE EXISTS (SELECT 1 FROM catalog.executions WHERE status IN (1, 2, 5)) AND @tries < 400
BEGIN
    WAITFOR DELAY '00:00:00.025'
    SET @tries += 1
END
SELECT execution_id, folder_name, project_name, package_name, status, machine_name,
       worker_agent_id, executed_count
FROM catalog.executions
ORDER BY execution_id
GO
SELECT e.execution_id, p.parameter_name, p.parameter_value, p.runtime_override, p.value_set
FROM catalog.executions AS e
JOIN catalog.execution_parameter_values AS p ON p.execution_id = e.execution_id
WHERE p.object_type = 50 AND p.parameter_name IN (N'LOGGING_LEVEL', N'SYNCHRONIZED')
ORDER BY e.execution_id, p.parameter_name
GO
SELECT WorkerAgentId, IsEnabled, MachineName, UserAccount
FROM catalog.worker_agents
WHERE WorkerAgentId = '$(WORKER)'
GO
-- Every execution logged operation messages when it started and when it finished.
SELECT operation_id, COUNT(*) AS messages_at_least_two
FROM catalog.operation_messages
WHERE operation_id IN (SELECT execution_id FROM catalog.executions)
GROUP BY operation_id
HAVING COUNT(*) >= 2
ORDER BY operation_id
GO
