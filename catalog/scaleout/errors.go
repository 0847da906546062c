package scaleout

import (
	"strings"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// Message texts of the errors the master raises (reference §9; 2627 is the
// engine's). %s stands for the %ls argument.
const (
	msgNullParam     = "The input parameter, '%s', cannot be null. Provide a valid value for this parameter."
	msgInvalidParam  = "The value specified for the input parameter, '%s', is not valid. Provide a valid value for this parameter."
	msgNoJob         = "Cannot find the cluster execution job instance '%s' because it does not exist or you do not have sufficient permissions."
	msgNoWorker      = "Cannot find the cluster worker agent '%s' because it does not exist or you do not have sufficient permissions."
	msgJobAllWorkers = "Cannot add a worker agent to execute the cluster job instance '%s' because the job is specified for all worker agents."
	msgDuplicateKey  = "Violation of PRIMARY KEY constraint '%s'. Cannot insert duplicate key in object '%s'. The duplicate key value is (%s)."
)

// guidText renders a uniqueidentifier as CONVERT(nvarchar, ...) does.
func guidText(u uuid.UUID) string { return strings.ToUpper(u.String()) }

func errNull(param string) error { return sqlerr.New(27100, 16, 1, msgNullParam, param) }

func errInvalid(arg string) error { return sqlerr.New(27101, 16, 1, msgInvalidParam, arg) }

func errNoJob(id uuid.UUID) error { return sqlerr.New(27242, 16, 1, msgNoJob, guidText(id)) }

func errNoWorker(id uuid.UUID) error { return sqlerr.New(27243, 16, 1, msgNoWorker, guidText(id)) }

func errJobAllWorkers(id uuid.UUID) error {
	return sqlerr.New(27251, 16, 1, msgJobAllWorkers, guidText(id))
}

func errDuplicate(constraint, table, key string) error {
	return sqlerr.New(2627, 14, 1, msgDuplicateKey, constraint, table, key)
}

// checkWorkerArg applies the worker procedures' argument checks: NULL
// (uuid.Nil) gives 27100, the all-workers id 27101.
func checkWorkerArg(id uuid.UUID) error {
	if id == uuid.Nil {
		return errNull("@WorkerAgentId")
	}
	if id == AllWorkers {
		return errInvalid(guidText(id))
	}
	return nil
}
