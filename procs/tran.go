package procs

import (
	"context"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// tranState is the session's transaction: @@TRANCOUNT, the descriptor the
// client echoes in ALL_HEADERS, XACT_STATE, the catalog's undo handle and
// the engine's own undo log (user procedures created inside it).
type tranState struct {
	count      int
	descriptor uint64
	seq        uint32
	name       string
	doomed     bool // uncommittable: XACT_STATE() = -1
	cat        CatalogTx
	undo       []func()
	saves      []savepoint
}

type savepoint struct {
	name string
	undo int // length of the undo log when it was taken
}

// xactState is XACT_STATE(): 1 committable, 0 none, -1 uncommittable.
func (s *Session) xactState() int64 {
	switch {
	case s.tran.count == 0:
		return 0
	case s.tran.doomed:
		return -1
	}
	return 1
}

// catalogTx is the undo handle to pass to catalog calls: nil in autocommit.
func (s *Session) catalogTx() CatalogTx {
	if s.tran.count == 0 {
		return nil
	}
	return s.tran.cat
}

// onRollback registers an undo action for an engine change (CREATE
// PROCEDURE and friends) made inside a transaction.
func (s *Session) onRollback(f func()) {
	if s.tran.count > 0 {
		s.tran.undo = append(s.tran.undo, f)
	}
}

func (s *Session) beginTran(ctx context.Context, name string, out *output) error {
	if s.tran.count == 0 {
		s.tran.seq++
		s.tran.descriptor = uint64(s.spid)<<32 | uint64(s.tran.seq)
		s.tran.name = name
		s.tran.doomed = false
		s.tran.cat = s.e.cat.Begin(ctx)
		s.tran.undo = nil
		s.tran.saves = nil
		s.tran.count = 1
		if out != nil {
			return out.w.EnvChange(tds.EnvChange{Type: tds.EnvBeginTran, Descriptor: s.tran.descriptor})
		}
		return nil
	}
	s.tran.count++
	return nil
}

func (s *Session) commitTran(out *output) error {
	if s.tran.count == 0 {
		return sqlerr.New(3902, 16, 1, "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.")
	}
	if s.tran.doomed {
		return sqlerr.New(3930, 16, 1, "The current transaction cannot be committed and cannot support operations that write to the log file. Roll back the transaction.")
	}
	s.tran.count--
	if s.tran.count > 0 {
		return nil
	}
	if s.tran.cat != nil {
		s.tran.cat.Commit()
	}
	s.tran.cat = nil
	s.tran.undo = nil
	s.tran.saves = nil
	if out != nil {
		return out.w.EnvChange(tds.EnvChange{Type: tds.EnvCommitTran, Descriptor: s.tran.descriptor})
	}
	return nil
}

// rollbackTran is ROLLBACK [TRAN name]: to a savepoint when name is one,
// else the whole transaction.
func (s *Session) rollbackTran(name string, out *output) error {
	if s.tran.count == 0 {
		return sqlerr.New(3903, 16, 1, "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.")
	}
	if name != "" && !strings.EqualFold(name, s.tran.name) {
		for i := len(s.tran.saves) - 1; i >= 0; i-- {
			sp := s.tran.saves[i]
			if !strings.EqualFold(sp.name, name) {
				continue
			}
			if s.tran.doomed {
				return sqlerr.New(3931, 16, 1, "The current transaction cannot be committed and cannot be rolled back to a savepoint. Roll back the entire transaction.")
			}
			for j := len(s.tran.undo) - 1; j >= sp.undo; j-- {
				s.tran.undo[j]()
			}
			s.tran.undo = s.tran.undo[:sp.undo]
			s.tran.saves = s.tran.saves[:i+1]
			if s.tran.cat != nil {
				s.tran.cat.RollbackTo(sp.name)
			}
			return nil
		}
		return sqlerr.New(6401, 16, 1, "Cannot roll back %s. No transaction or savepoint of that name was found.", name)
	}
	desc := s.tran.descriptor
	s.rollbackAll()
	if out != nil {
		return out.w.EnvChange(tds.EnvChange{Type: tds.EnvRollbackTran, Descriptor: desc})
	}
	return nil
}

// rollbackAll undoes the whole transaction without messages.
func (s *Session) rollbackAll() {
	for j := len(s.tran.undo) - 1; j >= 0; j-- {
		s.tran.undo[j]()
	}
	if s.tran.cat != nil {
		s.tran.cat.Rollback()
	}
	s.tran.count = 0
	s.tran.doomed = false
	s.tran.cat = nil
	s.tran.undo = nil
	s.tran.saves = nil
	s.tran.name = ""
}

func (s *Session) saveTran(name string) error {
	if s.tran.count == 0 {
		return sqlerr.New(628, 16, 1, "Cannot issue SAVE TRANSACTION when there is no active transaction.")
	}
	if s.tran.doomed {
		return sqlerr.New(3931, 16, 1, "The current transaction cannot be committed and cannot be rolled back to a savepoint. Roll back the entire transaction.")
	}
	s.tran.saves = append(s.tran.saves, savepoint{name: name, undo: len(s.tran.undo)})
	if s.tran.cat != nil {
		s.tran.cat.Save(name)
	}
	return nil
}

// rollbackWithMessage rolls back after a batch-aborting error, sending the
// ENVCHANGE the client tracks its transaction by.
func (s *Session) rollbackWithEnv(out *output) {
	if s.tran.count == 0 {
		return
	}
	desc := s.tran.descriptor
	s.rollbackAll()
	if out != nil {
		_ = out.w.EnvChange(tds.EnvChange{Type: tds.EnvRollbackTran, Descriptor: desc})
	}
}

// TransMgr implements tds.Session: the transaction manager requests of
// go-mssqldb's BeginTx and friends, answered with ENVCHANGE and DONE.
func (s *Session) TransMgr(ctx context.Context, req *tds.TransMgrRequest, w tds.ResultWriter) error {
	out := &output{w: w, s: s}
	var err error
	cmd := tds.CmdBeginTx
	switch req.Kind {
	case tds.TMBegin:
		if s.tran.count > 0 {
			// A client-side BeginTx inside an open transaction nests it.
			s.tran.count++
		} else {
			err = s.beginTran(ctx, req.Name, out)
		}
	case tds.TMCommit:
		cmd = tds.CmdCommit
		err = s.commitTran(out)
		// The client's commit ends the whole transaction it began.
		for err == nil && s.tran.count > 0 {
			err = s.commitTran(out)
		}
		if err == nil && req.BeginNew {
			err = s.beginTran(ctx, req.NewName, out)
		}
	case tds.TMRollback:
		cmd = tds.CmdRollbck
		err = s.rollbackTran(req.Name, out)
		if err == nil && req.BeginNew {
			err = s.beginTran(ctx, req.NewName, out)
		}
	case tds.TMSave:
		cmd = cmdSave
		err = s.saveTran(req.Name)
	default:
		err = sqlerr.New(40517, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", "transaction manager request")
	}
	failed := false
	if err != nil {
		se, _, _ := asSQLError(err)
		if e := out.error(se); e != nil {
			return e
		}
		failed = true
	}
	return w.Done(tds.Done{Kind: tds.DoneStatement, Status: doneStatus(failed, s.tran.count > 0), CurCmd: cmd})
}

func doneStatus(failed, inXact bool) uint16 {
	var st uint16
	if failed {
		st |= tds.DoneError
	}
	if inXact {
		st |= tds.DoneInXact
	}
	return st
}
