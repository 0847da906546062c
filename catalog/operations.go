package catalog

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
	s.Operations[op.ID] = op
	s.OperationOrder = append(s.OperationOrder, op.ID)
	tx.record(func() { delete(s.Operations, op.ID) })
	s.changes(tx).operation(op.ID)
	return op
}

// setStatus changes an operation's status, stamping end_time for final
// statuses; call with the write lock held.
func (c *Catalog) setStatus(tx *Tx, op *Operation, st int32) {
	old, oldEnd := op.Status, op.End
	op.Status = st
	if finalStatus(st) && op.End.IsZero() {
		op.End = c.now()
	}
	tx.record(func() { op.Status, op.End = old, oldEnd })
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
