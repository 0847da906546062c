-- The PostgreSQL baseline: the same per-call work as the emulator's
-- catalog.create_execution, set_execution_parameter_value and
-- start_execution for a Scale Out run, as PL/pgSQL over tables shaped like
-- SSISDB's internal ones. Nothing runs the package: start_execution leaves
-- the execution pending with its task ready, as SSISDB does before a
-- worker picks it up.
DROP SCHEMA IF EXISTS ssisdb CASCADE;
CREATE SCHEMA ssisdb;
SET search_path = ssisdb;

CREATE TABLE folders (folder_id bigserial PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE projects (
  project_id bigserial PRIMARY KEY, folder_id bigint NOT NULL REFERENCES folders, name text NOT NULL,
  object_version_lsn bigint NOT NULL DEFAULT 1, UNIQUE (folder_id, name));
CREATE TABLE packages (
  package_id bigserial PRIMARY KEY, project_id bigint NOT NULL REFERENCES projects, name text NOT NULL,
  UNIQUE (project_id, name));
CREATE TABLE object_parameters (
  project_id bigint NOT NULL REFERENCES projects, object_type smallint NOT NULL, object_name text NOT NULL,
  parameter_name text NOT NULL, data_type text NOT NULL, required boolean NOT NULL DEFAULT false,
  default_value text, value_set boolean NOT NULL DEFAULT true);
CREATE TABLE operations (
  operation_id bigserial PRIMARY KEY, operation_type smallint NOT NULL, created_time timestamptz NOT NULL,
  object_type smallint, object_id bigint, object_name text, status int NOT NULL, start_time timestamptz,
  end_time timestamptz, caller_name text NOT NULL, server_name text, machine_name text);
CREATE TABLE executions (
  execution_id bigint PRIMARY KEY REFERENCES operations, folder_name text NOT NULL, project_name text NOT NULL,
  package_name text NOT NULL, reference_id bigint, project_lsn bigint NOT NULL, use32bitruntime boolean NOT NULL,
  run_in_scaleout boolean NOT NULL, use_any_worker boolean NOT NULL);
CREATE TABLE execution_parameter_values (
  execution_parameter_id bigserial PRIMARY KEY, execution_id bigint NOT NULL REFERENCES executions,
  object_type smallint NOT NULL, parameter_name text NOT NULL, parameter_data_type text NOT NULL,
  parameter_value text, sensitive boolean NOT NULL, required boolean NOT NULL, value_set boolean NOT NULL,
  UNIQUE (execution_id, object_type, parameter_name));
CREATE TABLE jobs (
  job_id uuid PRIMARY KEY, execution_id bigint NOT NULL REFERENCES executions, use_any_worker boolean NOT NULL,
  created_time timestamptz NOT NULL);
CREATE TABLE tasks (
  task_id uuid PRIMARY KEY, job_id uuid NOT NULL REFERENCES jobs, status int NOT NULL, max_executed_count int NOT NULL,
  executed_count int NOT NULL, ready_for_dispatch_time timestamptz, input_data text NOT NULL);
CREATE INDEX tasks_ready ON tasks (ready_for_dispatch_time) WHERE ready_for_dispatch_time IS NOT NULL;

CREATE FUNCTION create_execution(p_folder text, p_project text, p_package text, p_use32 boolean,
    p_reference bigint, p_scaleout boolean, p_anyworker boolean) RETURNS bigint AS $$
DECLARE
  f bigint; prj record; op bigint;
BEGIN
  SELECT folder_id INTO f FROM folders WHERE name = p_folder;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'Cannot access the folder or it does not exist' USING ERRCODE = 'P0001';
  END IF;
  SELECT project_id, object_version_lsn INTO prj FROM projects WHERE folder_id = f AND name = p_project;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'Cannot access the project or it does not exist' USING ERRCODE = 'P0001';
  END IF;
  PERFORM 1 FROM packages WHERE project_id = prj.project_id AND name = p_package;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'Cannot access the package or it does not exist' USING ERRCODE = 'P0001';
  END IF;
  INSERT INTO operations (operation_type, created_time, object_type, object_id, object_name, status, caller_name,
      server_name, machine_name)
    VALUES (200, now(), 20, prj.project_id, p_project, 1, current_user, 'PG', 'PG')
    RETURNING operation_id INTO op;
  INSERT INTO executions VALUES (op, p_folder, p_project, p_package, p_reference, prj.object_version_lsn, p_use32,
    p_scaleout, p_anyworker);
  INSERT INTO execution_parameter_values (execution_id, object_type, parameter_name, parameter_data_type,
      parameter_value, sensitive, required, value_set)
    SELECT op, object_type, parameter_name, data_type, default_value, false, required, value_set
    FROM object_parameters
    WHERE project_id = prj.project_id AND (object_type = 20 OR object_name = p_package);
  INSERT INTO execution_parameter_values (execution_id, object_type, parameter_name, parameter_data_type,
      parameter_value, sensitive, required, value_set)
    VALUES (op, 50, 'LOGGING_LEVEL', 'Int32', '1', false, false, true),
           (op, 50, 'SYNCHRONIZED', 'Boolean', '0', false, false, true),
           (op, 50, 'DUMP_ON_ERROR', 'Boolean', '0', false, false, true),
           (op, 50, 'DUMP_ON_EVENT', 'Boolean', '0', false, false, true),
           (op, 50, 'DUMP_EVENT_CODE', 'String', '0', false, false, true),
           (op, 50, 'CALLER_INFO', 'String', NULL, false, false, false);
  IF p_scaleout THEN
    INSERT INTO jobs VALUES (gen_random_uuid(), op, p_anyworker, now());
  END IF;
  RETURN op;
END $$ LANGUAGE plpgsql SET search_path = ssisdb;

CREATE FUNCTION set_execution_parameter_value(p_id bigint, p_object_type smallint, p_name text, p_value text)
    RETURNS int AS $$
DECLARE
  st int;
BEGIN
  SELECT status INTO st FROM operations WHERE operation_id = p_id AND operation_type = 200 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'The operation does not exist or you do not have sufficient permissions' USING ERRCODE = 'P0001';
  END IF;
  IF st <> 1 THEN
    RAISE EXCEPTION 'The execution must be in the created state' USING ERRCODE = 'P0001';
  END IF;
  UPDATE execution_parameter_values SET parameter_value = p_value, value_set = true
    WHERE execution_id = p_id AND object_type = p_object_type AND parameter_name = p_name;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'The parameter does not exist' USING ERRCODE = 'P0001';
  END IF;
  RETURN 0;
END $$ LANGUAGE plpgsql SET search_path = ssisdb;

CREATE FUNCTION start_execution(p_id bigint, p_retry int) RETURNS int AS $$
DECLARE
  st int; ex record; job uuid;
BEGIN
  SELECT status INTO st FROM operations WHERE operation_id = p_id AND operation_type = 200 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'The operation does not exist or you do not have sufficient permissions' USING ERRCODE = 'P0001';
  END IF;
  IF st <> 1 THEN
    RAISE EXCEPTION 'The execution must be in the created state' USING ERRCODE = 'P0001';
  END IF;
  PERFORM 1 FROM execution_parameter_values WHERE execution_id = p_id AND required AND NOT value_set;
  IF FOUND THEN
    RAISE EXCEPTION 'A required parameter has no value' USING ERRCODE = 'P0001';
  END IF;
  UPDATE operations SET status = 5, start_time = now(), machine_name = '' WHERE operation_id = p_id;
  SELECT * INTO ex FROM executions WHERE execution_id = p_id;
  IF ex.run_in_scaleout THEN
    SELECT job_id INTO job FROM jobs WHERE execution_id = p_id;
    INSERT INTO tasks VALUES (gen_random_uuid(), job, 1, p_retry + 1, 0, now(),
      '[{"name":"execution_id","value":"' || p_id || '"},{"name":"use32bitruntime","value":"' ||
      CASE WHEN ex.use32bitruntime THEN '1' ELSE '0' END || '"}]');
  END IF;
  RETURN 0;
END $$ LANGUAGE plpgsql SET search_path = ssisdb;

INSERT INTO folders (name) VALUES ('folder1');
INSERT INTO projects (folder_id, name) VALUES (1, 'project1');
INSERT INTO packages (project_id, name) VALUES (1, 'package1.dtsx');
INSERT INTO object_parameters VALUES
  (1, 20, 'project1', 'Environment', 'String', false, 'dev', true),
  (1, 20, 'project1', 'CM.Source.ConnectionString', 'String', false, 'Data Source=.;Initial Catalog=tempdb;', true),
  (1, 30, 'package1.dtsx', 'BatchSize', 'Int32', false, '1000', true);
