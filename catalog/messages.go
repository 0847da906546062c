package catalog

import (
	"fmt"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// messages is the one table of message texts the catalog raises: the SSIS
// catalog's 27xxx messages (reference §9 and the engine's error table) and
// the engine messages of the security statements and OPENROWSET(BULK).
// Texts keep SQL Server's placeholders (%ls, %s, %d, %I64d); errorf fills
// them in order.
var messages = map[int32]struct {
	severity uint8
	text     string
}{
	27100: {16, "The input parameter, '%ls', cannot be null. Provide a valid value for this parameter."},
	27101: {16, "The value specified for the input parameter, '%ls', is not valid. Provide a valid value for this parameter."},
	27102: {16, "The input parameter, '%ls', cannot be empty. Provide a valid value for this parameter."},
	27103: {16, "Cannot find the execution instance '%I64d' because it does not exist or you do not have sufficient permissions."},
	27104: {16, "Cannot find the folder '%ls' because it does not exist or you do not have sufficient permissions."},
	27105: {16, "Cannot find the operation '%I64d' because it does not exist or you do not have sufficient permissions."},
	27106: {16, "Cannot find the parameter '%ls' because it does not exist."},
	27109: {16, "Cannot find the project '%ls' because it does not exist or you do not have sufficient permissions."},
	27112: {16, "Unable to update the row in the table, '%ls'. Make sure that this row exists."},
	27114: {16, "Cannot find the reference '%I64d' because it does not exist or you do not have sufficient permissions."},
	27115: {16, "Cannot find the target folder '%ls' because it does not exist or you do not have sufficient permissions."},
	27118: {16, "Failed to deploy the project. Try again later."},
	27121: {16, "The project is currently running or has completed. An instance of execution can only be started once."},
	27123: {16, "The operation cannot be started by an account that uses SQL Server Authentication. Start the operation with an account that uses Integrated Authentication."},
	27124: {16, "Integration Services server cannot stop the operation. The specified operation with ID '%I64d' is not valid or is not running."},
	27125: {16, "Integration Services server cannot stop the operation. The specified operation is not in a consistent state and cannot be stopped."},
	27126: {16, "Integration Services server cannot stop the operation. The specified operation is already in Stopping state."},
	27138: {16, "The input parameter cannot be null. Provide a valid value for the parameter."},
	27139: {16, "Integration Services server cannot be configured because there are active operations. Wait until there are no active operations, and then try to configure the server again."},
	27140: {16, "The operation cannot be started because the user is not a member of the database role, '%ls', or the server role, '%ls'. Log in as a member of one of these roles, and then try to start the operation again."},
	27141: {16, "Integration Services server cannot be configured because there are execution logs. Please cleanup all execution logs, and then try to configure the server again."},
	27142: {16, "'%ls' is not a valid environment name. It consists of characters that are not allowed."},
	27143: {16, "Cannot access the operation with ID, '%I64d'. Verify that the user has appropriate permissions."},
	27145: {16, "'%ls' is not a valid project name. It consists of characters that are not allowed."},
	27146: {16, "Cannot access the package or the package does not exist. Verify that the package exists and that the user has permissions to it."},
	27147: {16, "The data type of the input value is not compatible with the data type of the '%ls'."},
	27148: {16, "The data type of the parameter does not match the data type of the environment variable."},
	27150: {16, "The version of the project has changed since the instance of the execution has been created. Create a new execution instance and try again."},
	27153: {16, "Default permissions for the operation cannot be granted to the user. Make sure that the user can be assigned these permissions."},
	27156: {16, "The Integration Services server property, '%ls', cannot be found. Check the name of the property and try again."},
	27157: {16, "The environment '%ls' already exists or you have not been granted the appropriate permissions to create it."},
	27159: {16, "Data type of the input value is not supported."},
	27161: {10, "Warning: the requested permission has already been granted to the user. The duplicate request will be ignored."},
	27162: {16, "The property, '%ls', cannot be changed because the Integration Services database is not in single-user mode. In Management Studio, in the Database Properties dialog box, set the Restrict Access property to single-user mode. Then, try to change the value of the property again."},
	27163: {16, "The value for the Integration Services server property, '%ls', is not valid. In Management Studio, in the Integration Services Properties dialog box, enter a valid value for this property."},
	27165: {10, "Warning: During startup, the Integration Services server marked operation %I64d (type %d, status %d) as terminated. Please check the operating system error logs for operation details."},
	27173: {16, "The environment variable '%ls' already exists."},
	27176: {16, "The parameter '%ls' does not exist or you do not have sufficient permissions."},
	27177: {16, "Environment names must be unique. There is already an environment named '%ls'."},
	27178: {16, "Unable to execute the project named '%ls'. You do not have sufficient permissions."},
	27180: {16, "%ls is not a valid environment variable name. It consists of characters that are not allowed."},
	27181: {16, "The project '%ls' already exists or you have not been granted the appropriate permissions to access it."},
	27182: {16, "The environment '%s' does not exist or you have not been granted the appropriate permissions to access it."},
	27183: {16, "The environment variable '%ls' does not exist or you have not been granted the appropriate permissions to access it."},
	27184: {16, "In order to execute this package, you need to specify values for the required parameters."},
	27186: {16, "One or more environment variables could not be found in the referenced environment."},
	27188: {16, "Only members of the ssis_admin or sysadmin server roles can create, delete, or rename a catalog folder."},
	27189: {16, "Catalog folder name cannot be NULL or an empty string."},
	27190: {16, "The folder '%ls' already exists or you have not been granted the appropriate permissions to create it."},
	27191: {16, "The '%d' permission is not applicable to objects of type '%d'. Grant, deny, or revoke of this permission is not allowed."},
	27192: {16, "The caller has not been granted the MANAGEPERMISSION permission for the specified object."},
	27196: {16, "Failed to delete the folder '%ls' because it is not empty. Only empty folders can be deleted."},
	27199: {16, "%ls is not a valid folder name. It consists of characters that are not allowed."},
	27203: {16, "Failed to deploy project. For more information, query the operation_messages view for the operation identifier '%I64d'."},
	27204: {16, "Failed to create environment reference. This project already has an reference to the specified environment."},
	27206: {16, "Failed to deploy project to the folder '%ls'. You do not have sufficient permissions to deploy this project."},
	27208: {16, "The environment reference '%I64d' is not associated with the project."},
	27209: {16, "Failed to create environment to the folder '%ls'. You do not have sufficient permissions to create this environment."},
	// 27151, 27152, 27155 and 27179 are the numbers restore_project
	// raises and logs; SQL Server's texts for them are not known here, so
	// these texts are the emulator's own (docs/coverage.md says so).
	27151: {10, "Restoring the project '%ls' from its current version %I64d."},
	27152: {10, "The project '%ls' was restored to version %I64d."},
	27155: {16, "The specified version is already the current version of the project."},
	27179: {16, "The specified version of the project does not exist or you do not have sufficient permissions."},
	// 27212 and 27215 are the numbers remove_data_tap raises; SQL Server's
	// texts for them are not known here, so these texts are the emulator's
	// own, in the style of their neighbours (docs/coverage.md says so).
	27212: {16, "Data taps can only be added to or removed from an execution that has been created and not started."},
	27215: {16, "Cannot find the data tap '%I64d' because it does not exist or you do not have sufficient permissions."},
	27217: {16, "The logging level '%d' is undefined. Provide one of the following logging levels: 0 (None), 1 (Basic), 2 (Performance), 3 (Verbose), 4 (RuntimeLineage), 100 (Customized)."},
	27219: {16, "Caller does not have permissions to execute the stored procedure."},
	27221: {16, "Unable to map an environment variable with the sensitive property set to True, to a parameter with the sensitive property set to False. Ensure that the property settings match."},
	27223: {16, "Cannot move the project to folder '%ls' due to insufficient permissions."},
	27224: {16, "The parameter value cannot be changed after the execution has been started."},
	27225: {16, "The property cannot be overridden after the execution has been started."},
	27226: {16, "The database principal has granted or denied permissions to catalog objects in the database and cannot be dropped."},
	27237: {16, "The customized logging level '%ls' does not exist."},
	27241: {16, "Failed to update logging level '%d'. Provide the value for SERVER_CUSTOMIZED_LOGGING_LEVEL property, as it can not be null or empty for logging level '%d'."},
	27242: {16, "Cannot find the cluster execution job instance '%ls' because it does not exist or you do not have sufficient permissions."},
	27243: {16, "Cannot find the cluster worker agent '%ls' because it does not exist or you do not have sufficient permissions."},
	27251: {16, "Cannot add a worker agent to execute the cluster job instance '%ls' because the job is specified for all worker agents."},
	27252: {16, "The Integration Services cluster worker agent '%ls' is disabled."},
	27255: {16, "The job id of the execution is null. Create a job for the execution first and try again."},
	27260: {16, "Only members of sysadmin server roles can perform this action."},

	// Engine messages of the statements the catalog serves.
	229:   {14, "The %ls permission was denied on the object '%ls', database '%ls', schema '%ls'."},
	916:   {14, "The server principal \"%ls\" is not able to access the database \"%ls\" under the current security context."},
	2627:  {14, "Violation of %ls constraint '%ls'. Cannot insert duplicate key in object '%ls'. The duplicate key value is %ls."},
	4834:  {16, "You do not have permission to use the bulk load statement."},
	4861:  {16, "Cannot bulk load because the file \"%ls\" could not be opened. Operating system error code %ls."},
	15007: {16, "'%ls' is not a valid login or you do not have permission."},
	9001:  {21, "The log for database '%ls' is not available. Check the operating system error log for related error messages. Resolve any errors and restart the database."},
	15014: {16, "The role '%ls' does not exist in the current database."},
	15023: {16, "User, group, or role '%ls' already exists in the current database."},
	15025: {16, "The server principal '%ls' already exists."},
	15063: {16, "The login already has an account under a different user name."},
	15138: {16, "The database principal owns a schema in the database, and cannot be dropped."},
	15151: {16, "Cannot %ls the %ls '%ls', because it does not exist or you do not have permission."},
	15247: {16, "User does not have permission to perform this action."},
	15401: {11, "Windows NT user or group '%ls' not found. Check the name again."},
	15402: {16, "'%ls' is not a fixed server role."},
	15405: {16, "Cannot use the special principal '%ls'."},
	15410: {11, "User or role '%ls' does not exist in this database."},
	15406: {16, "Cannot execute as the server principal because the principal \"%ls\" does not exist, this type of principal cannot be impersonated, or you do not have permission."},
	15434: {16, "Could not drop login '%ls' as the user is currently logged in."},
	15517: {16, "Cannot execute as the database principal because the principal \"%ls\" does not exist, this type of principal cannot be impersonated, or you do not have permission."},
}

// errorf builds the error for msg number n raised with state, its
// placeholders filled from args in order.
func errorf(n int32, state uint8, args ...any) *sqlerr.Error {
	m, ok := messages[n]
	if !ok {
		panic(fmt.Sprintf("catalog: message %d is not in the table", n)) // programming error, caught by tests
	}
	return &sqlerr.Error{Number: n, Severity: m.severity, State: state, Message: fill(m.text, args)}
}

// Errorf is the catalog's error for message number n raised with state,
// its text from the catalog's message table with the placeholders filled
// from args in order, so that other packages raise the catalog's messages
// without repeating their texts. n must be in the table: an unknown number
// is a programming error and panics.
func Errorf(n int32, state uint8, args ...any) *sqlerr.Error {
	return errorf(n, state, args...)
}

// fill substitutes SQL Server format specifiers with args, in order.
func fill(text string, args []any) string {
	var b strings.Builder
	i := 0
	for len(text) > 0 {
		j := strings.IndexByte(text, '%')
		if j < 0 || j == len(text)-1 {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:j])
		rest := text[j+1:]
		n := 0
		for _, spec := range []string{"I64d", "ls", "s", "d"} {
			if strings.HasPrefix(rest, spec) {
				n = len(spec)
				break
			}
		}
		if n == 0 {
			b.WriteByte('%')
			text = rest
			continue
		}
		if i < len(args) {
			fmt.Fprint(&b, args[i])
		}
		i++
		text = rest[n:]
	}
	return b.String()
}
