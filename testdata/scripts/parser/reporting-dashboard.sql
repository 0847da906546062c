-- Queries behind the operations dashboard: one batch per tile.
USE SSISDB
GO
-- Last 30 days, one row per package, run counts by outcome.
WITH runs AS (
    SELECT e.folder_name, e.project_name, e.package_name, e.status,
           CAST(e.start_time AS date) AS run_date,
           DATEDIFF(SECOND, e.start_time, e.end_time) AS duration_s,
           ROW_NUMBER() OVER (PARTITION BY e.package_name ORDER BY e.start_time DESC) AS recency
    FROM catalog.executions e WITH (NOLOCK)
    WHERE e.start_time >= DATEADD(DAY, -30, SYSDATETIMEOFFSET())
)
SELECT pvt.folder_name, pvt.package_name,
       ISNULL(pvt.[7], 0) AS succeeded,
       ISNULL(pvt.[4], 0) AS failed,
       ISNULL(pvt.[6], 0) AS ended_unexpectedly
FROM (SELECT folder_name, package_name, status, 1 AS n FROM runs) AS src
PIVOT (SUM(n) FOR status IN ([4], [6], [7])) AS pvt
ORDER BY failed DESC, pvt.package_name
OPTION (RECOMPILE);
GO
-- Durations, with the average of the last ten runs.
SELECT TOP 50
       e.execution_id,
       e.package_name,
       CONVERT(char(8), DATEADD(SECOND, DATEDIFF(SECOND, e.start_time, e.end_time), 0), 108) AS duration,
       AVG(DATEDIFF(SECOND, e.start_time, e.end_time))
           OVER (PARTITION BY e.package_name ORDER BY e.start_time ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS avg_last_10_s,
       FORMAT(e.start_time, 'yyyy-MM-dd HH:mm') AS started
FROM catalog.executions AS e
WHERE e.end_time IS NOT NULL
ORDER BY e.start_time DESC;
GO
-- Failed executions with their error messages folded into one column.
SELECT e.execution_id, e.package_name,
       STUFF((SELECT N'; ' + em.message
              FROM catalog.event_messages em
              WHERE em.operation_id = e.execution_id AND em.message_type = 120
              ORDER BY em.event_message_id
              FOR XML PATH(''), TYPE).value('.', 'nvarchar(max)'), 1, 2, N'') AS errors
FROM catalog.executions e
LEFT OUTER JOIN catalog.executables x ON x.execution_id = e.execution_id AND x.package_path = '\Package'
WHERE e.status = 4
  AND NOT EXISTS (SELECT 1 FROM catalog.executions later
                  WHERE later.package_name = e.package_name AND later.start_time > e.start_time AND later.status = 7)
ORDER BY e.execution_id DESC
OFFSET 0 ROWS FETCH NEXT 25 ROWS ONLY;
GO
-- Worker agents of Scale Out and what they run.
SELECT w.WorkerAgentId, w.MachineName, w.IsEnabled,
       COUNT(t.TaskId) AS running_tasks,
       MAX(t.CreatedTime) AS last_task
FROM catalog.worker_agents AS w
OUTER APPLY (SELECT TaskId, CreatedTime FROM internal.tasks WHERE WorkerAgentId = w.WorkerAgentId AND Status = 2) AS t
GROUP BY w.WorkerAgentId, w.MachineName, w.IsEnabled
HAVING COUNT(t.TaskId) >= 0;
GO
