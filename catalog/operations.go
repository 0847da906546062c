package catalog

import "slices"

// Operation types (reference §4.2) and statuses (§4.1).
const (
	OpStartup       int16 = 1
	OpDeployProject int16 = 101
	OpExecution     int16 = 200
	OpStop          int16 = 202
	OpConfigure     int16 = 1000

	StatusCreated           int32 = 1
	StatusRunning           int32 = 2
	StatusCanceled          int32 = 3
	StatusFailed            int32 = 4
	StatusPending           int32 = 5
	StatusEndedUnexpectedly int32 = 6
	StatusSucceeded         int32 = 7
	StatusStopping          int32 = 8
	StatusCompleted         int32 = 9
)

// Message types and source types the catalog itself logs with.
const (
	msgInformation int16 = 70
	msgWarning     int16 = 110
	msgError       int16 = 120
	srcEntryAPI    int16 = 10 // T-SQL / CLR stored procedures
)

func finalStatus(st int32) bool {
	switch st {
	case StatusCanceled, StatusFailed, StatusEndedUnexpectedly, StatusSucceeded, StatusCompleted:
		return true
	}
	return false
}

// newOperation inserts a row of internal.operations with the caller's name
// and SID, a new GUID and the server's name; call with the write lock held.
func (c *Catalog) newOperation(tx *Tx, sc *secCtx, typ, objType int16, objID *int64, objName *string, status int32) *Operation {
	s := c.st
	op := &Operation{
		ID: s.nextOp(), Type: typ, Created: c.now(), ObjectType: objType, ObjectID: objID, ObjectName: objName,
		Status: status, CallerSID: sc.callerSID(), CallerName: sc.callerName(), GUID: c.opts.NewUUID(),
		ServerName: c.opts.ServerName, MachineName: ptr(c.opts.MachineName),
	}
	s.addOperation(op)
	tx.record(func() { s.removeOperation(op) })
	s.changes(tx).operation(op.ID)
	return op
}

// setStatus changes an operation's status, stamping end_time for final
// statuses; call with the write lock held.
func (c *Catalog) setStatus(tx *Tx, op *Operation, st int32) {
	s := c.st
	old, oldEnd := op.Status, op.End
	s.setOpStatus(op, st)
	if finalStatus(st) && op.End.IsZero() {
		op.End = c.now()
	}
	tx.record(func() { s.setOpStatus(op, old); op.End = oldEnd })
	c.st.changes(tx).operation(op.ID)
	c.notify()
}

// logMessage appends an operation message the catalog writes itself.
func (c *Catalog) logMessage(tx *Tx, op *Operation, typ int16, text string) {
	s := c.st
	m := &OperationMessage{ID: s.NextMessageID, OperationID: op.ID, Time: c.now(), Type: typ, SourceType: srcEntryAPI, Message: text}
	s.NextMessageID++
	s.changes(tx).messages(op.ID, len(op.Messages))
	op.Messages = append(op.Messages, m)
	tx.record(func() { op.Messages = op.Messages[:len(op.Messages)-1] })
}

// StatusCounts counts executions by status: index 1 to 9 is the status
// (StatusCreated ... StatusCompleted); index 0 counts any other value.
type StatusCounts [10]int

func statusSlot(st int32) int {
	if st >= 1 && st <= 9 {
		return int(st)
	}
	return 0
}

// ExecutionCounts returns how many executions the catalog holds in each
// status: the rows of catalog.executions as an administrator sees them,
// grouped by status. The counts are kept as operations change, so this
// costs the same at any number of executions (it serves /metrics).
func (c *Catalog) ExecutionCounts() StatusCounts {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.st.execCounts
}

// The methods below are the only writers of Operations, OperationOrder,
// Operation.Exec and Operation.Status once an operation is in the state,
// so that execCounts stays true. Call them with the write lock held.

// addOperation inserts op at the end of the creation order.
func (s *State) addOperation(op *Operation) {
	s.Operations[op.ID] = op
	s.OperationOrder = append(s.OperationOrder, op.ID)
	s.opsInOrder = append(s.opsInOrder, op)
	if op.Exec != nil {
		s.execCounts[statusSlot(op.Status)]++
	}
}

// removeOperation takes op out (a rolled-back creation); its id stays in
// OperationOrder, where scans skip it.
func (s *State) removeOperation(op *Operation) {
	if s.Operations[op.ID] != op {
		return
	}
	delete(s.Operations, op.ID)
	if i, ok := slices.BinarySearch(s.OperationOrder, op.ID); ok && i < len(s.opsInOrder) {
		s.opsInOrder[i] = nil
	}
	if op.Exec != nil {
		s.execCounts[statusSlot(op.Status)]--
	}
}

// attachExec gives op its execution part: from then on it is a row of
// catalog.executions.
func (s *State) attachExec(op *Operation, ex *Execution) {
	if op.Exec == nil && s.Operations[op.ID] == op {
		s.execCounts[statusSlot(op.Status)]++
	}
	op.Exec = ex
}

// setOpStatus changes op's status (and nothing else).
func (s *State) setOpStatus(op *Operation, st int32) {
	if op.Exec != nil && op.Status != st && s.Operations[op.ID] == op {
		s.execCounts[statusSlot(op.Status)]--
		s.execCounts[statusSlot(st)]++
	}
	op.Status = st
}

// indexLoaded rebuilds what a loaded state does not carry: the creation
// order, the operations in that order, and the execution counts.
func (s *State) indexLoaded() {
	s.OperationOrder = s.OperationOrder[:0]
	for id := range s.Operations {
		s.OperationOrder = append(s.OperationOrder, id)
	}
	slices.Sort(s.OperationOrder)
	s.opsInOrder = make([]*Operation, len(s.OperationOrder))
	for i, id := range s.OperationOrder {
		s.opsInOrder[i] = s.Operations[id]
	}
	s.execCounts = s.countExecutions()
}

// countExecutions counts the executions in Operations by status.
func (s *State) countExecutions() StatusCounts {
	var n StatusCounts
	for _, op := range s.Operations {
		if op.Exec != nil {
			n[statusSlot(op.Status)]++
		}
	}
	return n
}
