package catalog

import (
	"testing"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// TestProcedureErrors walks every error path the reference lists, per
// procedure: number, severity, state, text with its arguments, and the
// return status (RAISERROR ... RETURN 1, or THROW with no status).
func TestProcedureErrors(t *testing.T) {
	type tc struct {
		name   string
		call   func(e *env) error
		num    int32
		state  uint8
		text   string
		thrown bool
	}
	ssisAdmin := func(e *env) *Caller { return e.as(lSSIS) }
	admin := func(e *env) *Caller { return e.as(lAdmin) }
	nobody := func(e *env) *Caller { return e.as(lNobody) }
	created := func(e *env) int64 { return e.mustCreate(false) }
	started := func(e *env) int64 {
		id := e.mustCreate(false)
		e.c.SetObjectParameterValue(e.ctx, nil, admin(e), i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
		id = e.mustCreate(false)
		if err := e.c.StartExecution(e.ctx, nil, admin(e), &id, nil); err != nil {
			t.Fatal(err)
		}
		return id
	}
	cases := []tc{
		// create_folder
		{"create_folder not admin", func(e *env) error { _, err := e.c.CreateFolder(e.ctx, nil, nobody(e), s("x")); return err }, 27188, 1,
			"Only members of the ssis_admin or sysadmin server roles can create, delete, or rename a catalog folder.", false},
		{"create_folder null", func(e *env) error { _, err := e.c.CreateFolder(e.ctx, nil, admin(e), nil); return err }, 27189, 1, "", false},
		{"create_folder empty", func(e *env) error { _, err := e.c.CreateFolder(e.ctx, nil, admin(e), s("")); return err }, 27199, 1,
			" is not a valid folder name. It consists of characters that are not allowed.", false},
		{"create_folder bad name", func(e *env) error { _, err := e.c.CreateFolder(e.ctx, nil, admin(e), s("a/b")); return err }, 27199, 1,
			"a/b is not a valid folder name. It consists of characters that are not allowed.", false},
		{"create_folder duplicate", func(e *env) error { _, err := e.c.CreateFolder(e.ctx, nil, admin(e), s("FOLDER1")); return err }, 27190, 1,
			"The folder 'FOLDER1' already exists or you have not been granted the appropriate permissions to create it.", true},
		{"create_folder outsider", func(e *env) error { _, err := e.c.CreateFolder(e.ctx, nil, e.as(lOutsider), s("x")); return err }, 916, 1,
			`The server principal "EMU\outsider" is not able to access the database "SSISDB" under the current security context.`, false},
		// delete/rename folder, description
		{"delete_folder not empty", func(e *env) error { return e.c.DeleteFolder(e.ctx, nil, admin(e), s("folder1")) }, 27196, 1,
			"Failed to delete the folder 'folder1' because it is not empty. Only empty folders can be deleted.", true},
		{"delete_folder missing", func(e *env) error { return e.c.DeleteFolder(e.ctx, nil, admin(e), s("nope")) }, 27104, 1,
			"Cannot find the folder 'nope' because it does not exist or you do not have sufficient permissions.", true},
		{"delete_folder not admin", func(e *env) error { return e.c.DeleteFolder(e.ctx, nil, nobody(e), s("folder1")) }, 27188, 1, "", false},
		{"rename_folder duplicate", func(e *env) error {
			e.c.CreateFolder(e.ctx, nil, admin(e), s("folder2"))
			return e.c.RenameFolder(e.ctx, nil, admin(e), s("folder2"), s("folder1"))
		}, 27190, 1, "", true},
		{"rename_folder empty", func(e *env) error { return e.c.RenameFolder(e.ctx, nil, admin(e), s("folder1"), s("")) }, 27189, 1, "", false},
		{"set_folder_description no modify", func(e *env) error {
			return e.c.SetFolderDescription(e.ctx, nil, nobody(e), s("folder1"), s("d"))
		}, 27104, 1, "", true},
		// deploy_project
		{"deploy null stream", func(e *env) error {
			_, err := e.c.DeployProject(e.ctx, nil, admin(e), s("folder1"), s("p"), nil)
			return err
		}, 27138, 6,
			"The input parameter cannot be null. Provide a valid value for the parameter.", false},
		{"deploy bad name", func(e *env) error {
			_, err := e.c.DeployProject(e.ctx, nil, admin(e), s("folder1"), s("a:b"), []byte("x"))
			return err
		}, 27145, 1, "'a:b' is not a valid project name. It consists of characters that are not allowed.", false},
		{"deploy no folder", func(e *env) error {
			_, err := e.c.DeployProject(e.ctx, nil, admin(e), s("nope"), s("p"), []byte("x"))
			return err
		}, 27104, 1, "", false},
		{"deploy no create_objects", func(e *env) error {
			fid := folderID(e, "folder1")
			e.c.GrantPermission(e.ctx, nil, admin(e), i16(ObjFolder), &fid, i32(e.userID(lNobody)), i16(PermRead))
			_, err := e.c.DeployProject(e.ctx, nil, nobody(e), s("folder1"), s("p2"), demoIspac(t))
			return err
		}, 27206, 1, "Failed to deploy project to the folder 'folder1'. You do not have sufficient permissions to deploy this project.", false},
		{"deploy broken zip", func(e *env) error {
			_, err := e.c.DeployProject(e.ctx, nil, admin(e), s("folder1"), s("p"), []byte("not a zip"))
			return err
		}, 27203, 1, "", false},
		// projects
		{"delete_project missing", func(e *env) error { return e.c.DeleteProject(e.ctx, nil, admin(e), s("folder1"), s("nope")) }, 27109, 1,
			"Cannot find the project 'nope' because it does not exist or you do not have sufficient permissions.", true},
		{"delete_project null", func(e *env) error { return e.c.DeleteProject(e.ctx, nil, admin(e), nil, s("p")) }, 27138, 6, "", false},
		{"move_project no target", func(e *env) error {
			return e.c.MoveProject(e.ctx, nil, admin(e), s("folder1"), s("project1"), s("nope"))
		}, 27115, 1, "Cannot find the target folder 'nope' because it does not exist or you do not have sufficient permissions.", true},
		{"move_project exists", func(e *env) error {
			e.c.CreateFolder(e.ctx, nil, admin(e), s("f2"))
			e.c.DeployProject(e.ctx, nil, admin(e), s("f2"), s("project1"), demoIspac(t))
			return e.c.MoveProject(e.ctx, nil, admin(e), s("folder1"), s("project1"), s("f2"))
		}, 27181, 1, "The project 'project1' already exists or you have not been granted the appropriate permissions to access it.", true},
		{"get_project hidden", func(e *env) error {
			_, err := e.c.GetProject(e.ctx, nobody(e), s("folder1"), s("project1"))
			return err
		}, 27109, 1, "", false},
		// environments
		{"create_environment null", func(e *env) error { return e.c.CreateEnvironment(e.ctx, nil, admin(e), s("folder1"), nil, nil) }, 27138, 6, "", false},
		{"create_environment bad name", func(e *env) error {
			return e.c.CreateEnvironment(e.ctx, nil, admin(e), s("folder1"), s("a|b"), nil)
		}, 27142, 1, "'a|b' is not a valid environment name. It consists of characters that are not allowed.", false},
		{"create_environment no perm", func(e *env) error {
			fid := folderID(e, "folder1")
			e.c.GrantPermission(e.ctx, nil, admin(e), i16(ObjFolder), &fid, i32(e.userID(lNobody)), i16(PermRead))
			return e.c.CreateEnvironment(e.ctx, nil, nobody(e), s("folder1"), s("env"), nil)
		}, 27209, 1, "Failed to create environment to the folder 'folder1'. You do not have sufficient permissions to create this environment.", true},
		{"create_environment duplicate", func(e *env) error {
			e.c.CreateEnvironment(e.ctx, nil, admin(e), s("folder1"), s("env"), nil)
			return e.c.CreateEnvironment(e.ctx, nil, admin(e), s("folder1"), s("ENV"), nil)
		}, 27157, 1, "The environment 'ENV' already exists or you have not been granted the appropriate permissions to create it.", true},
		{"create_environment_variable bad type", func(e *env) error {
			e.c.CreateEnvironment(e.ctx, nil, admin(e), s("folder1"), s("env"), nil)
			return e.c.CreateEnvironmentVariable(e.ctx, nil, admin(e), s("folder1"), s("env"), s("v"), s("Char"), b(false), sqltype.NewInt(1), nil)
		}, 27159, 1, "Data type of the input value is not supported.", false},
		{"create_environment_variable value type", func(e *env) error {
			e.c.CreateEnvironment(e.ctx, nil, admin(e), s("folder1"), s("env"), nil)
			return e.c.CreateEnvironmentVariable(e.ctx, nil, admin(e), s("folder1"), s("env"), s("v"), s("Int32"), b(false), sqltype.NewNVarChar("x"), nil)
		}, 27147, 1, "The data type of the input value is not compatible with the data type of the 'Int32'.", false},
		{"create_environment_variable no env", func(e *env) error {
			return e.c.CreateEnvironmentVariable(e.ctx, nil, admin(e), s("folder1"), s("env"), s("v"), s("Int32"), b(false), sqltype.NewInt(1), nil)
		}, 27182, 1, "The environment 'env' does not exist or you have not been granted the appropriate permissions to access it.", true},
		{"create_environment_variable duplicate", func(e *env) error {
			e.c.CreateEnvironment(e.ctx, nil, admin(e), s("folder1"), s("env"), nil)
			e.c.CreateEnvironmentVariable(e.ctx, nil, admin(e), s("folder1"), s("env"), s("v"), s("Int32"), b(false), sqltype.NewInt(1), nil)
			return e.c.CreateEnvironmentVariable(e.ctx, nil, admin(e), s("folder1"), s("env"), s("v"), s("Int32"), b(false), sqltype.NewInt(1), nil)
		}, 27173, 1, "The environment variable 'v' already exists.", true},
		{"create_environment_variable bad name", func(e *env) error {
			return e.c.CreateEnvironmentVariable(e.ctx, nil, admin(e), s("folder1"), s("env"), s("a*b"), s("Int32"), b(false), sqltype.NewInt(1), nil)
		}, 27180, 1, "a*b is not a valid environment variable name. It consists of characters that are not allowed.", false},
		{"set_environment_variable_value missing", func(e *env) error {
			e.c.CreateEnvironment(e.ctx, nil, admin(e), s("folder1"), s("env"), nil)
			return e.c.SetEnvironmentVariableValue(e.ctx, nil, admin(e), s("folder1"), s("env"), s("nope"), sqltype.NewInt(1))
		}, 27183, 1, "The environment variable 'nope' does not exist or you have not been granted the appropriate permissions to access it.", true},
		{"set_environment_variable_property bad name", func(e *env) error {
			e.c.CreateEnvironment(e.ctx, nil, admin(e), s("folder1"), s("env"), nil)
			e.c.CreateEnvironmentVariable(e.ctx, nil, admin(e), s("folder1"), s("env"), s("v"), s("Int32"), b(false), sqltype.NewInt(1), nil)
			return e.c.SetEnvironmentVariableProperty(e.ctx, nil, admin(e), s("folder1"), s("env"), s("v"), s("Color"), s("x"))
		}, 27101, 1, "The value specified for the input parameter, 'DESCRIPTION', is not valid. Provide a valid value for this parameter.", true},
		{"rename_environment missing", func(e *env) error {
			return e.c.RenameEnvironment(e.ctx, nil, admin(e), s("folder1"), s("nope"), s("x"))
		}, 27182, 1, "", true},
		{"delete_environment missing", func(e *env) error { return e.c.DeleteEnvironment(e.ctx, nil, admin(e), s("folder1"), s("nope")) }, 27182, 1, "", true},
		{"delete_environment_variable missing", func(e *env) error {
			e.c.CreateEnvironment(e.ctx, nil, admin(e), s("folder1"), s("env"), nil)
			return e.c.DeleteEnvironmentVariable(e.ctx, nil, admin(e), s("folder1"), s("env"), s("v"))
		}, 27183, 1, "", true},
		// environment references
		{"create_environment_reference bad type", func(e *env) error {
			_, err := e.c.CreateEnvironmentReference(e.ctx, nil, admin(e), s("folder1"), s("project1"), s("env"), s("X"), nil)
			return err
		}, 27101, 10, "The value specified for the input parameter, 'reference_type', is not valid. Provide a valid value for this parameter.", false},
		{"create_environment_reference A without folder", func(e *env) error {
			_, err := e.c.CreateEnvironmentReference(e.ctx, nil, admin(e), s("folder1"), s("project1"), s("env"), s("A"), nil)
			return err
		}, 27138, 6, "", false},
		{"create_environment_reference R with folder", func(e *env) error {
			_, err := e.c.CreateEnvironmentReference(e.ctx, nil, admin(e), s("folder1"), s("project1"), s("env"), s("R"), s("folder1"))
			return err
		}, 27101, 10, "The value specified for the input parameter, 'environment_folder_name', is not valid. Provide a valid value for this parameter.", false},
		{"create_environment_reference no env", func(e *env) error {
			_, err := e.c.CreateEnvironmentReference(e.ctx, nil, admin(e), s("folder1"), s("project1"), s("env"), s("R"), nil)
			return err
		}, 27182, 1, "", true},
		{"create_environment_reference duplicate", func(e *env) error {
			e.c.CreateEnvironment(e.ctx, nil, admin(e), s("folder1"), s("env"), nil)
			e.c.CreateEnvironmentReference(e.ctx, nil, admin(e), s("folder1"), s("project1"), s("env"), s("R"), nil)
			_, err := e.c.CreateEnvironmentReference(e.ctx, nil, admin(e), s("folder1"), s("project1"), s("ENV"), s("R"), nil)
			return err
		}, 27204, 1, "Failed to create environment reference. This project already has an reference to the specified environment.", true},
		{"delete_environment_reference missing", func(e *env) error {
			return e.c.DeleteEnvironmentReference(e.ctx, nil, admin(e), i64(99))
		}, 27114, 1, "Cannot find the reference '99' because it does not exist or you do not have sufficient permissions.", true},
		// object parameters
		{"set_object_parameter_value object type", func(e *env) error {
			_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin(e), i16(50), s("folder1"), s("project1"), s("x"), sqltype.NewInt(1), nil, nil)
			return err
		}, 27101, 1, "The value specified for the input parameter, 'object_type', is not valid. Provide a valid value for this parameter.", false},
		{"set_object_parameter_value value type", func(e *env) error {
			_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin(e), i16(20), s("folder1"), s("project1"), s("x"), sqltype.NewInt(1), nil, s("Q"))
			return err
		}, 27101, 1, "The value specified for the input parameter, 'value_type', is not valid. Provide a valid value for this parameter.", false},
		{"set_object_parameter_value case-sensitive name", func(e *env) error {
			_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin(e), i16(20), s("folder1"), s("project1"), s("environment"), sqltype.NewNVarChar("x"), nil, nil)
			return err
		}, 27106, 1, "Cannot find the parameter 'environment' because it does not exist.", true},
		{"set_object_parameter_value wrong type", func(e *env) error {
			_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin(e), i16(30), s("folder1"), s("project1"), s("BatchSize"), sqltype.NewNVarChar("x"), s("package1.dtsx"), nil)
			return err
		}, 27147, 1, "The data type of the input value is not compatible with the data type of the 'BatchSize'.", true},
		{"set_object_parameter_value null", func(e *env) error {
			_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin(e), i16(20), s("folder1"), s("project1"), s("x"), sqltype.Value{}, nil, nil)
			return err
		}, 27138, 1, "", false},
		{"set_object_parameter_value no modify", func(e *env) error {
			_, err := e.c.SetObjectParameterValue(e.ctx, nil, nobody(e), i16(20), s("folder1"), s("project1"), s("Environment"), sqltype.NewNVarChar("x"), nil, nil)
			return err
		}, 27109, 1, "", true},
		{"clear_object_parameter_value missing", func(e *env) error {
			return e.c.ClearObjectParameterValue(e.ctx, nil, admin(e), s("folder1"), s("project1"), i16(20), nil, s("nope"))
		}, 27106, 1, "", true},
		{"deploy existing without modify", func(e *env) error {
			pid := projectID(e, "project1")
			e.c.GrantPermission(e.ctx, nil, admin(e), i16(ObjProject), &pid, i32(e.userID(lObj)), i16(PermRead))
			_, err := e.c.DeployProject(e.ctx, nil, e.as(lObj), s("folder1"), s("project1"), demoIspac(t))
			return err
		}, 27109, 1, "Cannot find the project 'project1' because it does not exist or you do not have sufficient permissions.", false},
		{"create_execution environment gone", func(e *env) error {
			e.c.CreateEnvironment(e.ctx, nil, admin(e), s("folder1"), s("env"), nil)
			ref, _ := e.c.CreateEnvironmentReference(e.ctx, nil, admin(e), s("folder1"), s("project1"), s("env"), s("R"), nil)
			e.c.DeleteEnvironment(e.ctx, nil, admin(e), s("folder1"), s("env"))
			_, err := e.c.CreateExecution(e.ctx, nil, admin(e), CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
				PackageName: s("package1.dtsx"), Use32BitRuntime: b(false), ReferenceID: &ref})
			return err
		}, 27182, 1, "The environment 'env' does not exist or you have not been granted the appropriate permissions to access it.", true},
		{"start_execution required parameter bound to a missing variable", func(e *env) error {
			e.c.CreateEnvironment(e.ctx, nil, admin(e), s("folder1"), s("env"), nil)
			ref, _ := e.c.CreateEnvironmentReference(e.ctx, nil, admin(e), s("folder1"), s("project1"), s("env"), s("R"), nil)
			e.c.SetObjectParameterValue(e.ctx, nil, admin(e), i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewNVarChar("Nope"), nil, s("R"))
			id, err := e.c.CreateExecution(e.ctx, nil, admin(e), CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
				PackageName: s("package1.dtsx"), Use32BitRuntime: b(false), ReferenceID: &ref})
			if err != nil {
				return err
			}
			return e.c.StartExecution(e.ctx, nil, admin(e), &id, nil)
		}, 27184, 1, "", true},
		{"create_execution encryption level", func(e *env) error {
			e.c.mu.Lock()
			e.c.st.CatalogProperties["SERVER_OPERATION_ENCRYPTION_LEVEL"] = "3"
			e.c.mu.Unlock()
			_, err := e.create(admin(e), false)
			return err
		}, 27163, 1, "", true},
		// create_execution
		{"create_execution null package", func(e *env) error {
			_, err := e.c.CreateExecution(e.ctx, nil, admin(e), CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"), Use32BitRuntime: b(false)})
			return err
		}, 27138, 1, "", false},
		{"create_execution null use32bitruntime", func(e *env) error {
			_, err := e.c.CreateExecution(e.ctx, nil, admin(e), CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"), PackageName: s("package1.dtsx")})
			return err
		}, 27138, 1, "", false},
		{"create_execution no package", func(e *env) error {
			_, err := e.c.CreateExecution(e.ctx, nil, admin(e), CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"), PackageName: s("nope.dtsx"), Use32BitRuntime: b(false)})
			return err
		}, 27146, 1, "Cannot access the package or the package does not exist. Verify that the package exists and that the user has permissions to it.", true},
		{"create_execution no execute", func(e *env) error {
			pid := projectID(e, "project1")
			e.c.GrantPermission(e.ctx, nil, admin(e), i16(ObjProject), &pid, i32(e.userID(lObj)), i16(PermRead))
			_, err := e.create(e.as(lObj), false)
			return err
		}, 27178, 1, "Unable to execute the project named 'project1'. You do not have sufficient permissions.", true},
		{"create_execution scale out without role", func(e *env) error {
			pid := projectID(e, "project1")
			e.c.GrantPermission(e.ctx, nil, admin(e), i16(ObjProject), &pid, i32(e.userID(lObj)), i16(PermRead))
			e.c.GrantPermission(e.ctx, nil, admin(e), i16(ObjProject), &pid, i32(e.userID(lObj)), i16(PermExecute))
			_, err := e.create(e.as(lObj), true)
			return err
		}, 27178, 1, "Unable to execute the project named 'project1'. You do not have sufficient permissions.", true},
		{"create_execution bad reference", func(e *env) error {
			_, err := e.c.CreateExecution(e.ctx, nil, admin(e), CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
				PackageName: s("package1.dtsx"), Use32BitRuntime: b(false), ReferenceID: i64(42)})
			return err
		}, 27208, 1, "The environment reference '42' is not associated with the project.", true},
		// set_execution_parameter_value
		{"set_execution_parameter_value object type", func(e *env) error {
			id := created(e)
			return e.c.SetExecutionParameterValue(e.ctx, nil, admin(e), &id, i16(40), s("LOGGING_LEVEL"), sqltype.NewInt(1))
		}, 27101, 1, "The value specified for the input parameter, 'object type', is not valid. Provide a valid value for this parameter.", false},
		{"set_execution_parameter_value id", func(e *env) error {
			return e.c.SetExecutionParameterValue(e.ctx, nil, admin(e), i64(0), i16(50), s("LOGGING_LEVEL"), sqltype.NewInt(1))
		}, 27101, 1, "The value specified for the input parameter, 'execution_id', is not valid. Provide a valid value for this parameter.", false},
		{"set_execution_parameter_value null value", func(e *env) error {
			id := created(e)
			return e.c.SetExecutionParameterValue(e.ctx, nil, admin(e), &id, i16(50), s("LOGGING_LEVEL"), sqltype.Value{})
		}, 27138, 1, "", false},
		{"set_execution_parameter_value not found", func(e *env) error {
			return e.c.SetExecutionParameterValue(e.ctx, nil, admin(e), i64(777), i16(50), s("LOGGING_LEVEL"), sqltype.NewInt(1))
		}, 27103, 1, "Cannot find the execution instance '777' because it does not exist or you do not have sufficient permissions.", true},
		{"set_execution_parameter_value hidden", func(e *env) error {
			id := created(e)
			return e.c.SetExecutionParameterValue(e.ctx, nil, nobody(e), &id, i16(50), s("LOGGING_LEVEL"), sqltype.NewInt(1))
		}, 27103, 1, "", true},
		{"set_execution_parameter_value started", func(e *env) error {
			id := started(e)
			return e.c.SetExecutionParameterValue(e.ctx, nil, admin(e), &id, i16(50), s("LOGGING_LEVEL"), sqltype.NewInt(1))
		}, 27224, 1, "The parameter value cannot be changed after the execution has been started.", true},
		{"set_execution_parameter_value wrong object type", func(e *env) error {
			id := created(e)
			return e.c.SetExecutionParameterValue(e.ctx, nil, admin(e), &id, i16(20), s("LOGGING_LEVEL"), sqltype.NewInt(1))
		}, 27176, 1, "The parameter 'LOGGING_LEVEL' does not exist or you do not have sufficient permissions.", true},
		{"set_execution_parameter_value case", func(e *env) error {
			id := created(e)
			return e.c.SetExecutionParameterValue(e.ctx, nil, admin(e), &id, i16(50), s("logging_level"), sqltype.NewInt(1))
		}, 27176, 1, "", true},
		{"set_execution_parameter_value level", func(e *env) error {
			id := created(e)
			return e.c.SetExecutionParameterValue(e.ctx, nil, admin(e), &id, i16(50), s("LOGGING_LEVEL"), sqltype.NewSmallInt(7))
		}, 27217, 1, "The logging level '7' is undefined. Provide one of the following logging levels: 0 (None), 1 (Basic), 2 (Performance), 3 (Verbose), 4 (RuntimeLineage), 100 (Customized).", true},
		{"set_execution_parameter_value type", func(e *env) error {
			id := created(e)
			return e.c.SetExecutionParameterValue(e.ctx, nil, admin(e), &id, i16(50), s("SYNCHRONIZED"), sqltype.NewNVarChar("yes"))
		}, 27147, 1, "The data type of the input value is not compatible with the data type of the 'Boolean'.", true},
		{"set_execution_parameter_value customized missing row", func(e *env) error {
			id := created(e)
			return e.c.SetExecutionParameterValue(e.ctx, nil, admin(e), &id, i16(50), s("CUSTOMIZED_LOGGING_LEVEL"), sqltype.NewNVarChar("x"))
		}, 27176, 1, "", true},
		{"set_execution_parameter_value customized unknown", func(e *env) error {
			id := created(e)
			e.c.SetExecutionParameterValue(e.ctx, nil, admin(e), &id, i16(50), s("LOGGING_LEVEL"), sqltype.NewInt(100))
			return e.c.SetExecutionParameterValue(e.ctx, nil, admin(e), &id, i16(50), s("CUSTOMIZED_LOGGING_LEVEL"), sqltype.NewNVarChar("x"))
		}, 27237, 1, "The customized logging level 'x' does not exist.", true},
		// property overrides
		{"set_execution_property_override_value started", func(e *env) error {
			id := started(e)
			return e.c.SetExecutionPropertyOverrideValue(e.ctx, nil, admin(e), &id, s(`\Package.Properties[MaximumErrorCount]`), s("2"), b(false))
		}, 27225, 1, "The property cannot be overridden after the execution has been started.", true},
		{"set_execution_property_override_value id", func(e *env) error {
			return e.c.SetExecutionPropertyOverrideValue(e.ctx, nil, admin(e), i64(-1), s("p"), s("2"), b(false))
		}, 27101, 1, "", false},
		{"set_execution_property_override_value hidden", func(e *env) error {
			id := created(e)
			return e.c.SetExecutionPropertyOverrideValue(e.ctx, nil, nobody(e), &id, s("p"), s("2"), b(false))
		}, 27103, 1, "", true},
		// add_execution_worker
		{"add_execution_worker null id non-admin", func(e *env) error {
			return e.c.AddExecutionWorker(e.ctx, nil, nobody(e), nil, nil)
		}, 27103, 1, "Cannot find the execution instance '(null)' because it does not exist or you do not have sufficient permissions.", false},
		{"add_execution_worker null id admin", func(e *env) error { return e.c.AddExecutionWorker(e.ctx, nil, admin(e), nil, nil) }, 27138, 1, "", false},
		{"add_execution_worker not scale out", func(e *env) error {
			id := created(e)
			w := e.addWorker()
			return e.c.AddExecutionWorker(e.ctx, nil, admin(e), &id, &w)
		}, 27255, 1, "The job id of the execution is null. Create a job for the execution first and try again.", false},
		{"add_execution_worker null worker", func(e *env) error {
			id := e.mustCreate(true)
			return e.c.AddExecutionWorker(e.ctx, nil, admin(e), &id, nil)
		}, 27100, 1, "The input parameter, '@WorkerAgentId', cannot be null. Provide a valid value for this parameter.", false},
		{"add_execution_worker all-workers id", func(e *env) error {
			id := e.mustCreate(true)
			w := scaleout.AllWorkers
			return e.c.AddExecutionWorker(e.ctx, nil, admin(e), &id, &w)
		}, 27101, 1, "The value specified for the input parameter, '11111111-1111-1111-1111-111111111111', is not valid. Provide a valid value for this parameter.", false},
		{"add_execution_worker unknown worker", func(e *env) error {
			id := e.mustCreate(true)
			w := uuid.MustParse(worker1)
			return e.c.AddExecutionWorker(e.ctx, nil, admin(e), &id, &w)
		}, 27243, 1, "Cannot find the cluster worker agent '64C020E2-F819-4C2D-A22F-EFB31A91E70A' because it does not exist or you do not have sufficient permissions.", false},
		{"add_execution_worker job for all workers", func(e *env) error {
			id, _ := e.c.CreateExecution(e.ctx, nil, admin(e), CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
				PackageName: s("package1.dtsx"), Use32BitRuntime: b(false), RunInScaleOut: b(true), UseAnyWorker: b(true)})
			w := e.addWorker()
			return e.c.AddExecutionWorker(e.ctx, nil, admin(e), &id, &w)
		}, 27251, 1, "", false},
		{"add_execution_worker twice", func(e *env) error {
			id := e.mustCreate(true)
			w := e.addWorker()
			e.c.AddExecutionWorker(e.ctx, nil, admin(e), &id, &w)
			return e.c.AddExecutionWorker(e.ctx, nil, admin(e), &id, &w)
		}, 2627, 1, "", false},
		// start_execution
		{"start_execution null", func(e *env) error { return e.c.StartExecution(e.ctx, nil, admin(e), nil, nil) }, 27138, 1, "", false},
		{"start_execution id", func(e *env) error { return e.c.StartExecution(e.ctx, nil, admin(e), i64(0), nil) }, 27101, 1,
			"The value specified for the input parameter, 'execution_id', is not valid. Provide a valid value for this parameter.", false},
		{"start_execution retry", func(e *env) error { return e.c.StartExecution(e.ctx, nil, admin(e), i64(1), i32(-1)) }, 27101, 1,
			"The value specified for the input parameter, 'retry_count', is not valid. Provide a valid value for this parameter.", false},
		{"start_execution missing", func(e *env) error { return e.c.StartExecution(e.ctx, nil, admin(e), i64(999), nil) }, 27103, 1, "", true},
		{"start_execution twice", func(e *env) error {
			id := started(e)
			return e.c.StartExecution(e.ctx, nil, admin(e), &id, nil)
		}, 27121, 1, "The project is currently running or has completed. An instance of execution can only be started once.", true},
		{"start_execution required parameter", func(e *env) error {
			id := created(e)
			return e.c.StartExecution(e.ctx, nil, admin(e), &id, nil)
		}, 27184, 1, "In order to execute this package, you need to specify values for the required parameters.", true},
		{"start_execution redeployed", func(e *env) error {
			e.c.SetObjectParameterValue(e.ctx, nil, admin(e), i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
			id := created(e)
			e.c.DeployProject(e.ctx, nil, admin(e), s("folder1"), s("project1"), demoIspac(t))
			return e.c.StartExecution(e.ctx, nil, admin(e), &id, nil)
		}, 27150, 1, "The version of the project has changed since the instance of the execution has been created. Create a new execution instance and try again.", true},
		// stop_operation
		{"stop_operation null", func(e *env) error { _, err := e.c.StopOperation(e.ctx, nil, admin(e), nil); return err }, 27100, 11,
			"The input parameter, 'operation_id', cannot be null. Provide a valid value for this parameter.", false},
		{"stop_operation created", func(e *env) error {
			id := created(e)
			_, err := e.c.StopOperation(e.ctx, nil, admin(e), &id)
			return err
		}, 27124, 1, "", true},
		{"stop_operation pending scale out", func(e *env) error {
			id := e.mustCreate(true)
			e.c.SetObjectParameterValue(e.ctx, nil, admin(e), i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
			id = e.mustCreate(true)
			e.c.StartExecution(e.ctx, nil, admin(e), &id, nil)
			_, err := e.c.StopOperation(e.ctx, nil, admin(e), &id)
			return err
		}, 27124, 1, "", true},
		{"stop_operation stopping", func(e *env) error {
			id := started(e)
			e.c.AttemptStarted(id, nil, 1, e.clk.Now())
			e.c.StopOperation(e.ctx, nil, admin(e), &id)
			_, err := e.c.StopOperation(e.ctx, nil, admin(e), &id)
			return err
		}, 27126, 1, "Integration Services server cannot stop the operation. The specified operation is already in Stopping state.", true},
		{"stop_operation no permission", func(e *env) error {
			id := started(e)
			e.c.AttemptStarted(id, nil, 1, e.clk.Now())
			_, err := e.c.StopOperation(e.ctx, nil, nobody(e), &id)
			return err
		}, 27143, 1, "", true},
		// worker agents
		{"enable_worker_agent not admin", func(e *env) error {
			w := uuid.MustParse(worker1)
			return e.c.EnableWorkerAgent(e.ctx, e.as(lExecutor), &w)
		}, 229, 5, "The EXECUTE permission was denied on the object 'enable_worker_agent', database 'SSISDB', schema 'catalog'.", false},
		{"enable_worker_agent null", func(e *env) error { return e.c.EnableWorkerAgent(e.ctx, admin(e), nil) }, 27100, 1, "", false},
		{"enable_worker_agent unknown", func(e *env) error {
			w := uuid.MustParse(worker1)
			return e.c.EnableWorkerAgent(e.ctx, ssisAdmin(e), &w)
		}, 27243, 1, "", false},
		{"disable_worker_agent all", func(e *env) error {
			w := scaleout.AllWorkers
			return e.c.DisableWorkerAgent(e.ctx, admin(e), &w)
		}, 27101, 1, "", false},
		{"delete_worker_agent unknown", func(e *env) error {
			w := uuid.MustParse(worker1)
			return e.c.DeleteWorkerAgent(e.ctx, admin(e), &w)
		}, 27243, 1, "", false},
		{"set_worker_agent_property name", func(e *env) error {
			w := e.addWorker()
			return e.c.SetWorkerAgentProperty(e.ctx, admin(e), &w, s("Color"), s("red"))
		}, 27101, 1, "The value specified for the input parameter, 'Color', is not valid. Provide a valid value for this parameter.", false},
		// configure_catalog
		{"configure_catalog not admin", func(e *env) error { return e.c.ConfigureCatalog(e.ctx, nil, nobody(e), s("RETENTION_WINDOW"), s("5")) }, 27140, 1,
			"The operation cannot be started because the user is not a member of the database role, 'ssis_admin', or the server role, 'sysadmin'. Log in as a member of one of these roles, and then try to start the operation again.", false},
		{"configure_catalog name", func(e *env) error { return e.c.ConfigureCatalog(e.ctx, nil, admin(e), s("COLOR"), s("5")) }, 27101, 1,
			"The value specified for the input parameter, 'property_name', is not valid. Provide a valid value for this parameter.", false},
		{"configure_catalog value", func(e *env) error {
			return e.c.ConfigureCatalog(e.ctx, nil, admin(e), s("DEFAULT_EXECUTION_MODE"), s("2"))
		}, 27101, 1,
			"The value specified for the input parameter, 'property_value', is not valid. Provide a valid value for this parameter.", false},
		{"configure_catalog logging 100", func(e *env) error {
			return e.c.ConfigureCatalog(e.ctx, nil, admin(e), s("SERVER_LOGGING_LEVEL"), s("100"))
		}, 27241, 1,
			"Failed to update logging level '100'. Provide the value for SERVER_CUSTOMIZED_LOGGING_LEVEL property, as it can not be null or empty for logging level '100'.", false},
		{"configure_catalog customized", func(e *env) error {
			return e.c.ConfigureCatalog(e.ctx, nil, admin(e), s("SERVER_CUSTOMIZED_LOGGING_LEVEL"), s("nope"))
		}, 27237, 1, "", false},
		{"configure_catalog single user", func(e *env) error {
			return e.c.ConfigureCatalog(e.ctx, nil, admin(e), s("ENCRYPTION_ALGORITHM"), s("AES_128"))
		}, 27162, 1, "", false},
		// permissions
		{"grant_permission null", func(e *env) error { return e.c.GrantPermission(e.ctx, nil, admin(e), nil, i64(1), i32(5), i16(1)) }, 27138, 1, "", false},
		{"grant_permission object type", func(e *env) error { return e.c.GrantPermission(e.ctx, nil, admin(e), i16(9), i64(1), i32(5), i16(1)) }, 27101, 1,
			"The value specified for the input parameter, 'object_type', is not valid. Provide a valid value for this parameter.", false},
		{"grant_permission permission type", func(e *env) error { return e.c.GrantPermission(e.ctx, nil, admin(e), i16(1), i64(1), i32(5), i16(7)) }, 27101, 1,
			"The value specified for the input parameter, 'permission_type', is not valid. Provide a valid value for this parameter.", false},
		{"grant_permission not applicable", func(e *env) error { return e.c.GrantPermission(e.ctx, nil, admin(e), i16(1), i64(1), i32(5), i16(3)) }, 27191, 1,
			"The '3' permission is not applicable to objects of type '1'. Grant, deny, or revoke of this permission is not allowed.", false},
		{"grant_permission objects on project", func(e *env) error { return e.c.GrantPermission(e.ctx, nil, admin(e), i16(2), i64(1), i32(5), i16(100)) }, 27191, 1, "", false},
		{"grant_permission missing folder", func(e *env) error { return e.c.GrantPermission(e.ctx, nil, admin(e), i16(1), i64(99), i32(5), i16(1)) }, 27104, 1,
			"Cannot find the folder '99' because it does not exist or you do not have sufficient permissions.", false},
		{"grant_permission missing operation", func(e *env) error { return e.c.GrantPermission(e.ctx, nil, admin(e), i16(4), i64(99), i32(5), i16(1)) }, 27105, 1,
			"Cannot find the operation '99' because it does not exist or you do not have sufficient permissions.", false},
		{"grant_permission principal", func(e *env) error {
			return e.c.GrantPermission(e.ctx, nil, admin(e), i16(1), i64(1), i32(9999), i16(1))
		}, 27101, 1,
			"The value specified for the input parameter, 'principal_id', is not valid. Provide a valid value for this parameter.", false},
		{"grant_permission no manage", func(e *env) error {
			pid := projectID(e, "project1")
			e.c.GrantPermission(e.ctx, nil, admin(e), i16(ObjProject), &pid, i32(e.userID(lObj)), i16(PermRead))
			return e.c.GrantPermission(e.ctx, nil, e.as(lObj), i16(ObjProject), &pid, i32(e.userID(lNobody)), i16(PermRead))
		}, 27192, 1, "The caller has not been granted the MANAGEPERMISSION permission for the specified object.", false},
		{"revoke_permission null", func(e *env) error { return e.c.RevokePermission(e.ctx, nil, admin(e), i16(1), nil, i32(5), i16(1)) }, 27138, 1, "", false},
		{"deny_permission object type", func(e *env) error { return e.c.DenyPermission(e.ctx, nil, admin(e), i16(0), i64(1), i32(5), i16(1)) }, 27101, 1, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, false)
			e.demo()
			err := c.call(e)
			wantErr(t, err, c.num, c.state, c.text)
			st, ok := ReturnStatus(err)
			if ok == c.thrown || ok && st != 1 {
				t.Errorf("return status = %d, %v; thrown = %v", st, ok, c.thrown)
			}
		})
	}
}

func folderID(e *env, name string) int64 {
	e.c.mu.RLock()
	defer e.c.mu.RUnlock()
	return e.c.st.folderByName(name).ID
}

func projectID(e *env, name string) int64 {
	e.c.mu.RLock()
	defer e.c.mu.RUnlock()
	for _, p := range e.c.st.Projects {
		if p.Name == name {
			return p.ID
		}
	}
	return 0
}
