package catalog

import (
	"context"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// The Catalog is the master's Sink: it owns the operations' statuses and
// messages and records what the master reports.
var _ scaleout.Sink = (*Catalog)(nil)

// ExecInfo implements scaleout.Sink.
func (c *Catalog) ExecInfo(executionID int64) (scaleout.ExecInfo, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	op := c.st.Operations[executionID]
	if op == nil || op.Exec == nil {
		return scaleout.ExecInfo{}, false
	}
	ex := op.Exec
	info := scaleout.ExecInfo{ExecutionID: op.ID, FolderName: ex.FolderName, ProjectName: ex.ProjectName,
		PackageName: ex.PackageName, Use32Bit: ex.Use32Bit, Parameters: map[string]string{}}
	for _, p := range ex.Params {
		info.Parameters[strconv.Itoa(int(p.ObjectType))+":"+p.Name] = valueText(p.Value)
		if p.ObjectType == 50 {
			n, _ := intValue(p.Value)
			switch p.Name {
			case "LOGGING_LEVEL":
				info.LoggingLevel = int(n)
			case "SYNCHRONIZED":
				info.Synchronized = n != 0
			}
		}
	}
	return info, true
}

// AttemptStarted implements scaleout.Sink: the execution is running.
func (c *Catalog) AttemptStarted(executionID int64, w *scaleout.Worker, attempt int, at time.Time) {
	c.mu.Lock()
	defer c.releaseNoWait()
	op := c.st.Operations[executionID]
	if op == nil || finalStatus(op.Status) {
		return
	}
	ch := c.st.changes(nil)
	ch.operation(op.ID)
	if op.Exec != nil && op.Exec.JobID != nil {
		ch.job(op.ID)
	}
	if op.Status != StatusStopping {
		c.st.setOpStatus(op, StatusRunning)
	}
	op.ExecutedCount = ptr(int32(attempt))
	if w != nil {
		op.MachineName = ptr(w.MachineName)
		op.WorkerAgentID = ptr(w.ID)
	} else {
		op.MachineName = ptr(c.opts.MachineName)
		// A stand-in for ISServerExec's process id; stop_operation needs one.
		op.ProcessID = ptr(int32(4000 + executionID%60000))
	}
	c.notify()
}

// AttemptRequeued implements scaleout.Sink. The operation stays running
// (status 2) between attempts; whether a real catalog shows 5 again is
// unconfirmed.
func (c *Catalog) AttemptRequeued(executionID int64, at time.Time) {
	c.mu.Lock()
	defer c.releaseNoWait()
	if op := c.st.Operations[executionID]; op != nil {
		op.WorkerAgentID = nil
		ch := c.st.changes(nil)
		ch.operation(op.ID)
		ch.job(op.ID)
		c.notify()
	}
}

// Finished implements scaleout.Sink.
func (c *Catalog) Finished(executionID int64, status int, stopID int64, at time.Time) {
	c.mu.Lock()
	defer c.releaseNoWait()
	s := c.st
	op := s.Operations[executionID]
	if op == nil || finalStatus(op.Status) {
		return
	}
	ch := s.changes(nil)
	ch.operation(op.ID)
	if op.Exec != nil && op.Exec.JobID != nil {
		ch.job(op.ID)
	}
	s.setOpStatus(op, int32(status))
	op.End = at
	if stopID != 0 {
		if stop := s.Operations[stopID]; stop != nil {
			op.StoppedBySID, op.StoppedByName = stop.CallerSID, ptr(stop.CallerName)
			s.setOpStatus(stop, StatusSucceeded)
			stop.End = at
			ch.operation(stop.ID)
		}
	}
	if op.Exec != nil {
		for _, st := range op.Exec.openStats {
			st.End = at
			st.DurationMS = int32(at.Sub(st.Start) / time.Millisecond)
			st.Result = 3
		}
		op.Exec.openStats = nil
	}
	c.notify()
}

// Messages implements scaleout.Sink: the run's messages become
// operation_messages and event_messages rows, and the pre/post-execute
// events build executables and executable_statistics. At LOGGING_LEVEL 0
// (None) nothing is kept. Scale Out rows carry operation_message_id -1 and
// a NULL event_message_id, as the real view's UNION does.
func (c *Catalog) Messages(executionID int64, msgs []scaleout.EventMessage) {
	c.mu.Lock()
	defer c.releaseNoWait()
	s := c.st
	op := s.Operations[executionID]
	if op == nil || op.Exec == nil {
		return
	}
	ex := op.Exec
	if lp := ex.param(50, "LOGGING_LEVEL"); lp != nil {
		if n, _ := intValue(lp.Value); n == 0 {
			return
		}
	}
	if len(msgs) > 0 {
		ch := s.changes(nil)
		ch.messages(op.ID, len(op.Messages))
		ch.operation(op.ID) // executables and their statistics
	}
	for _, m := range msgs {
		om := &OperationMessage{OperationID: op.ID, Time: m.Time, Type: m.MessageType, SourceType: m.MessageSourceType, Message: m.Message}
		ev := &EventInfo{PackageName: m.PackageName, EventName: m.EventName, SourceName: m.SourceName, SourceID: m.SourceID,
			Subcomponent: m.SubcomponentName, PackagePath: m.PackagePath, ExecutionPath: m.ExecutionPath, ThreadID: m.ThreadID,
			MessageCode: m.MessageCode, GUID: m.GUID}
		if ev.GUID == uuid.Nil {
			ev.GUID = c.opts.NewUUID()
		}
		if ex.ScaleOut {
			om.ID = -1
		} else {
			om.ID = s.NextMessageID
			s.NextMessageID++
			ev.EventMessageID = ptr(om.ID)
		}
		om.Event = ev
		op.Messages = append(op.Messages, om)
		c.trackExecutable(ex, op.ID, m)
	}
}

// reindex rebuilds the lookup maps of a loaded execution: executables by
// source id, and the statistics still open (no end time).
func (ex *Execution) reindex() {
	ex.executableBySrc, ex.openStats = nil, nil
	byID := map[int64]*Executable{}
	for _, e := range ex.Executables {
		if ex.executableBySrc == nil {
			ex.executableBySrc = map[string]*Executable{}
		}
		ex.executableBySrc[e.GUID] = e
		byID[e.ID] = e
	}
	for _, st := range ex.Statistics {
		if e := byID[st.ExecutableID]; e != nil && st.End.IsZero() {
			if ex.openStats == nil {
				ex.openStats = map[string]*ExecutableStatistic{}
			}
			ex.openStats[e.GUID] = st
		}
	}
}

func (c *Catalog) trackExecutable(ex *Execution, execID int64, m scaleout.EventMessage) {
	s := c.st
	if m.SourceID == "" {
		return
	}
	switch m.EventName {
	case "OnPreExecute":
		e := ex.executableBySrc[m.SourceID]
		if e == nil {
			e = &Executable{ID: s.NextExecutableID, ExecutionID: execID, Name: m.SourceName, GUID: m.SourceID,
				PackageName: m.PackageName, PackagePath: m.PackagePath}
			s.NextExecutableID++
			if ex.executableBySrc == nil {
				ex.executableBySrc = map[string]*Executable{}
			}
			ex.executableBySrc[m.SourceID] = e
			ex.Executables = append(ex.Executables, e)
		}
		st := &ExecutableStatistic{ID: s.NextStatisticsID, ExecutionID: execID, ExecutableID: e.ID, ExecutionPath: m.ExecutionPath, Start: m.Time}
		s.NextStatisticsID++
		if ex.openStats == nil {
			ex.openStats = map[string]*ExecutableStatistic{}
		}
		ex.openStats[m.SourceID] = st
		ex.Statistics = append(ex.Statistics, st)
	case "OnError", "OnTaskFailed":
		if st := ex.openStats[m.SourceID]; st != nil {
			st.failed = true
		}
	case "OnPostExecute":
		if st := ex.openStats[m.SourceID]; st != nil {
			st.End = m.Time
			st.DurationMS = int32(m.Time.Sub(st.Start) / time.Millisecond)
			if st.failed {
				st.Result = 1
			}
			delete(ex.openStats, m.SourceID)
		}
	}
}

// Startup is catalog.startup, which the persistence layer calls after
// loading state: it logs an operation of type 1 and marks every execution,
// validation or stop that was pending, running or stopping as 6 (ended
// unexpectedly), with the 27165 warnings in operation_messages. It returns
// the warnings (severity 10) for the log.
func (c *Catalog) Startup(ctx context.Context) []*sqlerr.Error {
	c.mu.Lock()
	defer c.release(nil)
	s := c.st
	ch := s.changes(nil)
	ch.workers() // the master's, after Restore: configured ones may be new
	sys := &secCtx{caller: &Caller{Login: "NT SERVICE\\MSSQLSERVER"}, user: s.Databases[key(SSISDB)].Principals[dboID]}
	start := c.newOperation(nil, sys, OpStartup, 0, nil, nil, StatusRunning)
	start.Start = c.now()
	var warnings []*sqlerr.Error
	for _, id := range s.OperationOrder {
		op := s.Operations[id]
		if op == nil || op == start {
			continue
		}
		switch op.Type {
		case OpExecution, 300, 301, OpStop:
		default:
			continue
		}
		if op.Status != StatusRunning && op.Status != StatusPending && op.Status != StatusStopping {
			continue
		}
		w := errorf(27165, 1, op.ID, op.Type, op.Status)
		s.setOpStatus(op, StatusEndedUnexpectedly)
		op.End = c.now()
		c.endValidationInfos(op, StatusEndedUnexpectedly)
		ch.operation(op.ID)
		if op.Exec != nil && op.Exec.JobID != nil {
			ch.job(op.ID) // Restore ended its task
		}
		c.logMessage(nil, start, msgWarning, w.Message)
		warnings = append(warnings, w)
	}
	c.setStatus(nil, start, StatusSucceeded)
	return warnings
}
