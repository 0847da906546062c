// Package runner decides what a package run does: how it ends, how long it
// takes and what it logs. The Scale Out master (catalog/scaleout) asks a
// Runner for a Plan when an attempt starts and carries the plan out on its
// injected clock, so a run costs no goroutine and tests control time.
//
// The default Runner is Sim, a rule-based simulator. Rules match folder,
// project and package names with * and ? (case-insensitive; the package with
// or without .dtsx), in order, first match wins, and set the outcome
// (succeed, fail, hang until stopped), the duration, how many first attempts
// fail, the task's name and extra messages. The default rule, when none
// matches: succeed at once.
//
// What a simulated run logs, by LOGGING_LEVEL (a package with one task):
//
//	0 None         nothing
//	1 Basic        package and task OnPreValidate/OnPostValidate, OnPreExecute; an
//	               OnInformation line with the worker, account and attempt; at the end
//	               the task's OnPostExecute, an OnInformation line with the elapsed time
//	               and the package's OnPostExecute. A failure adds the task's OnError
//	               (message_code DTS_E_EXECUTESQLSTATEMENTFAILED), OnTaskFailed and the
//	               package's OnWarning (DTS_W_MAXIMUMERRORCOUNTREACHED).
//	2 Performance  only OnError and OnWarning
//	3 Verbose      Basic plus OnProgress lines
//	4, 100         as Basic (runtime lineage and customized levels are not simulated)
//
// Extra messages from a rule follow the same level filter. Each message has
// its event_message_guid, the package file name, the source's name and a
// {GUID} id that is stable for the package (or task) from run to run, the
// package path (\Package, \Package\<task>), the execution path (\<package>,
// \<package>\<task>) and a thread id; texts have SSIS's
// "<source>:<kind>: <text>" shape, in our own words.
package runner

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ExecInfo is what the master and the runner need to know about an
// execution; the catalog supplies it (scaleout.ExecInfo is this type).
type ExecInfo struct {
	ExecutionID  int64
	FolderName   string
	ProjectName  string
	PackageName  string // e.g. "package1.dtsx"
	LoggingLevel int    // LOGGING_LEVEL: 0 none, 1 basic, 2 performance, 3 verbose, 4 runtime lineage, 100 customized
	Use32Bit     bool
	Synchronized bool
	// Parameters holds the execution parameter values by "object_type:name"
	// (e.g. "30:MyParam", "20:CM.Conn.ConnectionString"), as text.
	Parameters map[string]string
}

// EventMessage is one message a package run logs. The catalog stores it in
// operation_messages and event_messages (and the context table) for the
// execution (scaleout.EventMessage is this type).
type EventMessage struct {
	Time              time.Time
	MessageType       int16 // 30 pre-execute, 40 post-execute, 70 information, 110 warning, 120 error, 130 task failed, ...
	MessageSourceType int16 // 30 package, 40 task, 50 container, 60 data flow
	Message           string
	PackageName       string
	EventName         string // OnPreExecute, OnPostExecute, OnInformation, OnWarning, OnError, OnTaskFailed, ...
	SourceName        string
	SourceID          string // a GUID in braces, as SSIS logs it
	SubcomponentName  string
	PackagePath       string
	ExecutionPath     string
	ThreadID          int32
	MessageCode       int32
	GUID              uuid.UUID // event_message_guid
}

// Message types (catalog.event_messages.message_type).
const (
	TypePreValidate  int16 = 10
	TypePostValidate int16 = 20
	TypePreExecute   int16 = 30
	TypePostExecute  int16 = 40
	TypeProgress     int16 = 60
	TypeInformation  int16 = 70
	TypeDiagnostic   int16 = 90
	TypeWarning      int16 = 110
	TypeError        int16 = 120
	TypeTaskFailed   int16 = 130
)

// Message source types (message_source_type) a package run logs with.
const (
	SourcePackage   int16 = 30
	SourceTask      int16 = 40
	SourceContainer int16 = 50
	SourceDataFlow  int16 = 60
)

// Outcome is how an attempt ends.
type Outcome int

// Outcomes. The zero Outcome is not valid.
const (
	Succeed Outcome = iota + 1 // the package succeeds after the plan's duration
	Fail                       // the package fails after the plan's duration
	Hang                       // the package runs until it is stopped or its worker is lost
)

// Attempt describes one try at running an execution's package.
type Attempt struct {
	Exec ExecInfo
	// Number counts attempts from 1 (the task's ExecutedCount).
	Number int
	// WorkerID and Machine name the Scale Out worker; uuid.Nil and "" for a
	// local (non-Scale Out) run.
	WorkerID uuid.UUID
	Machine  string
	// Account is the user account the package runs under.
	Account string
	Start   time.Time
}

// Plan is what an attempt will do. The master logs Start at once, then after
// Duration ends the attempt with Outcome and logs End. A Hang plan never ends
// by itself; its End is unused.
type Plan struct {
	Outcome  Outcome
	Duration time.Duration
	Start    []EventMessage // Time already set (normally Attempt.Start)
	End      []EventMessage // Time already set (normally Attempt.Start + Duration)
}

// Runner plans package runs. Implementations must be safe for concurrent
// use: the master asks from several goroutines at once.
type Runner interface {
	// Plan decides the attempt's outcome, duration and messages.
	Plan(ctx context.Context, a Attempt) Plan
	// Stopped returns what the run logs when it is stopped (stop_operation)
	// at time at, before it ended by itself.
	Stopped(a Attempt, at time.Time) []EventMessage
}

var outcomeNames = [...]string{Succeed: "succeed", Fail: "fail", Hang: "hang"}

// String returns succeed, fail or hang.
func (o Outcome) String() string {
	if o >= Succeed && o <= Hang {
		return outcomeNames[o]
	}
	return fmt.Sprintf("outcome(%d)", int(o))
}

// ParseOutcome reads succeed, fail or hang (case-insensitive; also
// success/succeeded, failure/failed, hung).
func ParseOutcome(s string) (Outcome, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "succeed", "success", "succeeded":
		return Succeed, nil
	case "fail", "failure", "failed":
		return Fail, nil
	case "hang", "hung":
		return Hang, nil
	}
	return 0, fmt.Errorf("runner: outcome %q is not succeed, fail or hang", s)
}

// MarshalText writes the outcome's name (for YAML and JSON).
func (o Outcome) MarshalText() ([]byte, error) {
	if o < Succeed || o > Hang {
		return nil, fmt.Errorf("runner: invalid outcome %d", int(o))
	}
	return []byte(o.String()), nil
}

// UnmarshalText reads an outcome's name.
func (o *Outcome) UnmarshalText(b []byte) error {
	v, err := ParseOutcome(string(b))
	if err != nil {
		return err
	}
	*o = v
	return nil
}
