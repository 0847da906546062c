package catalog

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// Sequences are the catalog's IDENTITY counters, each the next id it hands
// out. Operation ids are one sequence for all operation types. A
// persistence layer saves them as one record, so they are one type.
type Sequences struct {
	NextOperationID, NextFolderID, NextProjectID, NextPackageID, NextParamID int64
	NextEnvironmentID, NextVariableID, NextReferenceID, NextExecParamID      int64
	NextPropertyID, NextMessageID, NextContextID, NextExecutableID, NextLSN  int64
	NextStatisticsID, NextLevelID                                            int64
	NextServerPrincipalID                                                    int32
	// Added later: a data file written before them loads them as 0, which
	// the code that takes an id reads as 1 (nextID); omitted while 0 so
	// that such a file's record keeps its form.
	NextInfoID    int64 `json:",omitempty"`
	NextDataTapID int64 `json:",omitempty"`
}

// State is everything the catalog keeps, in plain structs so that a
// persistence layer can save and reload it. Only Catalog methods mutate it,
// under Catalog.mu.
type State struct {
	Sequences
	// PrincipalGen counts changes to logins, users and role membership, so
	// that cached caller resolutions know when they are stale.
	PrincipalGen uint64

	Folders      map[int64]*Folder
	Projects     map[int64]*Project
	Environments map[int64]*Environment
	References   map[int64]*EnvironmentReference
	Operations   map[int64]*Operation
	// OperationOrder lists operation ids in creation order (ids only grow);
	// rolled-back ids stay in it and are skipped. Scans keep their place by
	// index in it, so it is only ever appended to (operations.go).
	OperationOrder []int64
	// opsInOrder parallels OperationOrder with the operations themselves
	// (nil where one was removed), so that a scan walks them without a map
	// lookup each.
	opsInOrder []*Operation
	// execCounts counts the executions in Operations by status (see
	// StatusCounts), kept by the methods that add, remove and change
	// operations and rebuilt by LoadState.
	execCounts StatusCounts

	Permissions       map[PermKey][]Grant
	CatalogProperties map[string]string // upper-case name -> value
	MasterProperties  map[string]string
	LoggingLevels     map[string]*CustomizedLoggingLevel // lower-case name

	Logins            map[int32]*Login
	ServerRoleMembers map[int32]map[int32]bool // role principal_id -> member ids
	Databases         map[string]*Database     // lower-case name

	trk *tracker // change tracking shared with the Catalog (journal.go)
}

// Folder is a catalog folder.
type Folder struct {
	ID            int64
	Name          string
	Description   string
	CreatedBySID  []byte
	CreatedByName string
	Created       time.Time
}

// Project is a deployed project; it holds its current version only.
type Project struct {
	ID              int64
	FolderID        int64
	Name            string
	Description     string
	FormatVersion   int
	DeployedBySID   []byte
	DeployedByName  string
	LastDeployed    time.Time
	Created         time.Time
	LSN             int64 // object_version_lsn of the current version
	ProtectionLevel string
	Packages        []*Package
	Params          []*ObjectParameter
	Stream          []byte // the .ispac of the current version, for get_project
	// Versions are the kept versions, the current one among them, oldest
	// first (object_versions). Empty for a project loaded from a data file
	// written before versions were kept: its current version is then the
	// only one. Replaced, never changed in place.
	Versions []*ProjectVersion `json:",omitempty"`
}

// ProjectVersion is a row of internal.object_versions: a deployed version
// of a project that restore_project can make current again.
type ProjectVersion struct {
	LSN          int64
	Description  string
	CreatedBy    string
	Created      time.Time
	RestoredBy   *string
	LastRestored time.Time // zero is NULL
	// Stream is the version's .ispac. A persistence layer may leave it out
	// for the current version (whose stream Project.Stream holds): see
	// Project.versionStream.
	Stream []byte `json:",omitempty"`
}

// Package is a package of a project version.
type Package struct {
	ID              int64
	Name            string
	GUID            uuid.UUID
	Description     string
	FormatVersion   int
	VersionMajor    int
	VersionMinor    int
	VersionBuild    int
	VersionComments string
	VersionGUID     uuid.UUID
	ProjectID       int64
	EntryPoint      bool
}

// ObjectParameter is a project (20) or package (30) parameter.
type ObjectParameter struct {
	ID            int64
	ProjectID     int64
	ObjectType    int16
	ObjectName    string // project name or package file name
	Name          string
	DataType      string
	Required      bool
	Sensitive     bool
	Description   string
	DesignDefault sqltype.Value
	Default       sqltype.Value // server default set by set_object_parameter_value
	ValueType     byte          // 'V' literal, 'R' environment variable
	ValueSet      bool
	ReferencedVar string
}

// Environment is a set of variables in a folder.
type Environment struct {
	ID            int64
	Name          string
	FolderID      int64
	Description   string
	CreatedBySID  []byte
	CreatedByName string
	Created       time.Time
	Variables     []*EnvironmentVariable
}

// EnvironmentVariable is one variable of an environment.
type EnvironmentVariable struct {
	ID            int64
	EnvironmentID int64
	Name          string
	Description   string
	Type          string // SSIS type name
	Sensitive     bool
	Value         sqltype.Value
}

// EnvironmentReference binds a project to an environment.
type EnvironmentReference struct {
	ID              int64
	ProjectID       int64
	Type            byte   // 'R' relative (same folder) or 'A' absolute
	FolderName      string // environment folder; "" for relative
	EnvironmentName string
}

// Operation is a row of internal.operations; an execution is an operation
// of type 200 with Exec set.
type Operation struct {
	ID            int64
	Type          int16
	Created       time.Time
	ObjectType    int16
	ObjectID      *int64
	ObjectName    *string
	Status        int32
	Start, End    time.Time // zero is NULL
	CallerSID     []byte
	CallerName    string
	ProcessID     *int32
	StoppedBySID  []byte
	StoppedByName *string
	GUID          uuid.UUID
	ServerName    string
	MachineName   *string
	WorkerAgentID *uuid.UUID
	ExecutedCount *int32
	Exec          *Execution
	// Validation is set for validate_project (300) and validate_package
	// (301) operations. It is replaced, never changed in place, so that a
	// persistence layer may encode it after the lock is released.
	Validation *Validation `json:",omitempty"`
	Messages   []*OperationMessage
}

// Execution is the execution-specific part of a type-200 operation.
type Execution struct {
	FolderName     string
	ProjectName    string
	PackageName    string
	ProjectID      int64
	ReferenceID    *int64
	ReferenceType  *byte
	EnvFolderName  *string
	EnvName        *string
	ProjectLSN     int64
	ExecutedAsSID  []byte
	ExecutedAsName string
	Use32Bit       bool
	ScaleOut       bool
	UseAnyWorker   bool
	JobID          *uuid.UUID
	Workers        []uuid.UUID // add_execution_worker
	Params         []*ExecParam
	Overrides      []*PropertyOverride
	StopID         int64 // operation id of the stop request, if any
	Contexts       []*EventContext
	Executables    []*Executable
	Statistics     []*ExecutableStatistic
	// DataTaps are add_data_tap's rows; the list is replaced, never
	// changed in place (see Operation.Validation).
	DataTaps        []*DataTap                      `json:",omitempty"`
	openStats       map[string]*ExecutableStatistic // source id -> running statistic
	executableBySrc map[string]*Executable
}

// ExecParam is a row of execution_parameter_values.
type ExecParam struct {
	ID              int64
	ObjectType      int16
	DataType        string
	Name            string
	Value           sqltype.Value
	Sensitive       bool
	Required        bool
	ValueSet        bool
	RuntimeOverride bool
	BaseType        string
}

// PropertyOverride is a row of execution_property_override_values.
type PropertyOverride struct {
	ID        int64
	Path      string
	Value     string
	Sensitive bool
}

// OperationMessage is a row of operation_messages; Event is set for
// messages that also appear in event_messages.
type OperationMessage struct {
	ID             int64 // -1 for Scale Out rows (reference §3.3)
	OperationID    int64
	Time           time.Time
	Type           int16
	SourceType     int16
	Message        string
	ExtendedInfoID *int64
	Event          *EventInfo
}

// EventInfo is the event_messages part of a message.
type EventInfo struct {
	EventMessageID *int64 // NULL for Scale Out rows
	PackageName    string
	EventName      string
	SourceName     string
	SourceID       string
	Subcomponent   string
	PackagePath    string
	ExecutionPath  string
	ThreadID       int32
	MessageCode    int32
	GUID           uuid.UUID
}

// EventContext is a row of event_message_context.
type EventContext struct {
	ID             int64
	EventMessageID *int64
	Depth          int32
	PackagePath    string
	ContextType    int16
	SourceName     string
	SourceID       string
	PropertyName   string
	PropertyValue  sqltype.Value
	EventGUID      uuid.UUID
}

// Executable is a row of catalog.executables.
type Executable struct {
	ID          int64
	ExecutionID int64
	Name        string
	GUID        string
	PackageName string
	PackagePath string
}

// ExecutableStatistic is a row of catalog.executable_statistics.
type ExecutableStatistic struct {
	ID            int64
	ExecutionID   int64
	ExecutableID  int64
	ExecutionPath string
	Start, End    time.Time
	DurationMS    int32
	Result        int16 // 0 success, 1 failure, 2 completion, 3 canceled
	failed        bool
}

// CustomizedLoggingLevel is a row of catalog.customized_logging_levels.
type CustomizedLoggingLevel struct {
	ID            int64
	Name          string
	Description   string
	ProfileValue  int64
	EventsValue   int64
	CreatedBySID  []byte
	CreatedByName string
	Created       time.Time
}

// PermKey names a securable: object type 1 folder, 2 project, 3
// environment, 4 operation.
type PermKey struct {
	ObjectType int16
	ObjectID   int64
}

// Grant is one explicit permission row.
type Grant struct {
	PrincipalID int32
	Permission  int16
	Deny        bool
	GrantorID   int32
}

func (c *Catalog) newState() *State {
	now := c.now()
	s := &State{
		Sequences: Sequences{
			NextOperationID: 1, NextFolderID: 1, NextProjectID: 1, NextPackageID: 1, NextParamID: 1,
			NextEnvironmentID: 1, NextVariableID: 1, NextReferenceID: 1, NextExecParamID: 1,
			NextPropertyID: 1, NextMessageID: 1, NextContextID: 1, NextExecutableID: 1, NextLSN: 1,
			NextStatisticsID: 1, NextLevelID: 1, NextServerPrincipalID: 256, NextInfoID: 1, NextDataTapID: 1,
		},
		Folders:      map[int64]*Folder{},
		Projects:     map[int64]*Project{},
		Environments: map[int64]*Environment{},
		References:   map[int64]*EnvironmentReference{},
		Operations:   map[int64]*Operation{},
		Permissions:  map[PermKey][]Grant{},
		CatalogProperties: map[string]string{
			"DEFAULT_EXECUTION_MODE":            "0",
			"ENCRYPTION_ALGORITHM":              "AES_256",
			"IS_SCALEOUT_ENABLED":               "TRUE",
			"MAX_PROJECT_VERSIONS":              "10",
			"OPERATION_CLEANUP_ENABLED":         "TRUE",
			"RETENTION_WINDOW":                  "365",
			"SCHEMA_BUILD":                      "14.0.1000.169",
			"SCHEMA_VERSION":                    "6",
			"SERVER_CUSTOMIZED_LOGGING_LEVEL":   "",
			"SERVER_LOGGING_LEVEL":              "1",
			"SERVER_OPERATION_ENCRYPTION_LEVEL": "1",
			"VALIDATION_TIMEOUT":                "300",
			"VERSION_CLEANUP_ENABLED":           "TRUE",
		},
		MasterProperties: map[string]string{
			"CLUSTER_LOGDB_SERVER":          c.opts.ServerName,
			"IS_SCALEOUT_ENABLED":           "TRUE",
			"LAST_ONLINE_TIME":              now.Format("2006-01-02 15:04:05.0000000 -07:00"),
			"MACHINE_IP":                    "127.0.0.1",
			"MACHINE_NAME":                  c.opts.MachineName,
			"MASTER_ADDRESS":                "https://" + strings.ToLower(c.opts.MachineName) + ":8391",
			"MASTER_HEARTBEAT_INTERVALINMS": "30000",
			"MASTER_SERVICE_PORT":           "8391",
			"SSLCERT_THUMBPRINT":            "",
		},
		LoggingLevels:     map[string]*CustomizedLoggingLevel{},
		Logins:            map[int32]*Login{},
		ServerRoleMembers: map[int32]map[int32]bool{},
		Databases:         map[string]*Database{},
		trk:               c.trk,
	}
	c.initPrincipals(s, now)
	return s
}

func (s *State) nextOp() int64 {
	id := s.NextOperationID
	s.NextOperationID++
	return id
}

func key(name string) string { return strings.ToLower(name) }

// folderByName finds a folder case-insensitively.
func (s *State) folderByName(name string) *Folder {
	for _, f := range s.Folders {
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

func (s *State) projectByName(folderID int64, name string) *Project {
	for _, p := range s.Projects {
		if p.FolderID == folderID && strings.EqualFold(p.Name, name) {
			return p
		}
	}
	return nil
}

func (s *State) environmentByName(folderID int64, name string) *Environment {
	for _, e := range s.Environments {
		if e.FolderID == folderID && strings.EqualFold(e.Name, name) {
			return e
		}
	}
	return nil
}

func (p *Project) packageByName(name string) *Package {
	for _, pk := range p.Packages {
		if strings.EqualFold(pk.Name, name) {
			return pk
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
