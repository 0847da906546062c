package tsql

import (
	"reflect"
	"strings"
	"testing"
)

func eq[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

func TestDeclare(t *testing.T) {
	s := as[*DeclareStmt](t, parse1(t, "DECLARE @a int = 1, @b AS nvarchar(128), @c varbinary(max), @d decimal(18, 2) = 1.5, @e sysname = N'x'"))
	eq(t, "count", len(s.Vars), 5)
	eq(t, "a", []string{s.Vars[0].Name, show(s.Vars[0].Typ), show(s.Vars[0].Value)}, []string{"@a", "int", "1"})
	eq(t, "b", []string{s.Vars[1].Name, show(s.Vars[1].Typ)}, []string{"@b", "nvarchar(128)"})
	eq(t, "c", show(s.Vars[2].Typ), "varbinary(max)")
	eq(t, "d", show(s.Vars[3].Typ)+" = "+show(s.Vars[3].Value), "decimal(18,2) = 1.5")
	eq(t, "e", show(s.Vars[4].Typ)+" = "+show(s.Vars[4].Value), "sysname = N'x'")
	eq(t, "builtin", s.Vars[0].Typ.Builtin, true)

	s = as[*DeclareStmt](t, parse1(t, "DECLARE @t TABLE (id int IDENTITY(1,1) PRIMARY KEY, name nvarchar(50) NOT NULL DEFAULT N'', UNIQUE (name)), @c CURSOR"))
	tv := s.Vars[0].Table
	eq(t, "table columns", len(tv.Columns), 2)
	eq(t, "identity", show(tv.Columns[0].Identity.Seed)+","+show(tv.Columns[0].Identity.Increment), "1,1")
	eq(t, "pk", tv.Columns[0].Constraints[0].Kind, PrimaryKey)
	eq(t, "not null", tv.Columns[1].Null, NotNull)
	eq(t, "default", show(tv.Columns[1].Default), "N''")
	eq(t, "unique", tv.Constraints[0].Kind, UniqueKey)
	eq(t, "cursor var", s.Vars[1].Cursor, true)

	s = as[*DeclareStmt](t, parse1(t, "DECLARE @n int = (SELECT COUNT(*) FROM t), @s nvarchar(max) = N'a' + @x"))
	eq(t, "subquery init", show(s.Vars[0].Value), "(SUBQUERY (SELECT COUNT(*) FROM t))")
}

func TestDeclareCursor(t *testing.T) {
	c := as[*DeclareCursorStmt](t, parse1(t, "DECLARE c CURSOR LOCAL FAST_FORWARD READ_ONLY FOR SELECT name FROM t WHERE a = 1"))
	eq(t, "name", c.Name, "c")
	eq(t, "options", c.Options, []string{"LOCAL", "FAST_FORWARD", "READ_ONLY"})
	eq(t, "query", show(c.Query), "(SELECT name FROM t WHERE (= a 1))")
	c = as[*DeclareCursorStmt](t, parse1(t, "DECLARE c CURSOR GLOBAL SCROLL KEYSET OPTIMISTIC FOR SELECT a FROM t FOR UPDATE OF a, b"))
	eq(t, "for update", c.ForUpdate, true)
	eq(t, "update cols", c.UpdateColumns, []string{"a", "b"})
	c = as[*DeclareCursorStmt](t, parse1(t, "DECLARE c INSENSITIVE SCROLL CURSOR FOR SELECT a FROM t FOR READ ONLY"))
	eq(t, "iso options", c.Options, []string{"INSENSITIVE", "SCROLL"})
	eq(t, "read only", c.ReadOnly, true)
}

func TestCursorStatements(t *testing.T) {
	b, err := Parse("OPEN c; FETCH NEXT FROM c INTO @a, @b; FETCH ABSOLUTE 5 FROM GLOBAL c; FETCH c; FETCH PRIOR FROM @cv; CLOSE c; DEALLOCATE GLOBAL c")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "open", as[*OpenCursorStmt](t, b.Stmts[0]).Cursor.Name, "c")
	f := as[*FetchStmt](t, b.Stmts[1])
	eq(t, "fetch", []string{f.Orientation, f.Cursor.Name, f.Into[0].Name, f.Into[1].Name}, []string{"NEXT", "c", "@a", "@b"})
	f = as[*FetchStmt](t, b.Stmts[2])
	eq(t, "absolute", []string{f.Orientation, show(f.Offset)}, []string{"ABSOLUTE", "5"})
	eq(t, "global", f.Cursor.Global, true)
	f = as[*FetchStmt](t, b.Stmts[3])
	eq(t, "default orientation", f.Orientation, "NEXT")
	f = as[*FetchStmt](t, b.Stmts[4])
	eq(t, "cursor variable", f.Cursor.Var.Name, "@cv")
	eq(t, "close", as[*CloseCursorStmt](t, b.Stmts[5]).Cursor.Name, "c")
	eq(t, "deallocate", as[*DeallocateCursorStmt](t, b.Stmts[6]).Cursor.Global, true)
}

func TestSetVar(t *testing.T) {
	s := as[*SetVarStmt](t, parse1(t, "SET @x = (SELECT status FROM catalog.executions WHERE execution_id = @id)"))
	eq(t, "var", s.Var.Name, "@x")
	eq(t, "op", s.Op, "=")
	eq(t, "value", show(s.Value), "(SUBQUERY (SELECT status FROM catalog.executions WHERE (= execution_id @id)))")
	for _, op := range []string{"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^="} {
		s = as[*SetVarStmt](t, parse1(t, "SET @i "+op+" 2"))
		eq(t, "compound", s.Op, op)
	}
}

func TestSetOptions(t *testing.T) {
	cases := []struct {
		src    string
		opts   []string
		toggle Toggle
		value  string
	}{
		{"SET NOCOUNT ON", []string{"NOCOUNT"}, ToggleOn, ""},
		{"set xact_abort off", []string{"XACT_ABORT"}, ToggleOff, ""},
		{"SET ANSI_NULLS, QUOTED_IDENTIFIER ON", []string{"ANSI_NULLS", "QUOTED_IDENTIFIER"}, ToggleOn, ""},
		{"SET ANSI_WARNINGS ON", []string{"ANSI_WARNINGS"}, ToggleOn, ""},
		{"SET ANSI_PADDING ON", []string{"ANSI_PADDING"}, ToggleOn, ""},
		{"SET ANSI_NULL_DFLT_ON ON", []string{"ANSI_NULL_DFLT_ON"}, ToggleOn, ""},
		{"SET CONCAT_NULL_YIELDS_NULL ON", []string{"CONCAT_NULL_YIELDS_NULL"}, ToggleOn, ""},
		{"SET NUMERIC_ROUNDABORT OFF", []string{"NUMERIC_ROUNDABORT"}, ToggleOff, ""},
		{"SET ARITHABORT ON", []string{"ARITHABORT"}, ToggleOn, ""},
		{"SET IMPLICIT_TRANSACTIONS OFF", []string{"IMPLICIT_TRANSACTIONS"}, ToggleOff, ""},
		{"SET STATISTICS IO, TIME ON", []string{"STATISTICS IO", "STATISTICS TIME"}, ToggleOn, ""},
		{"SET DATEFIRST 7", []string{"DATEFIRST"}, ToggleNone, "7"},
		{"SET DATEFORMAT dmy", []string{"DATEFORMAT"}, ToggleNone, "word:dmy"},
		{"SET DATEFORMAT @f", []string{"DATEFORMAT"}, ToggleNone, "@f"},
		{"SET LANGUAGE us_english", []string{"LANGUAGE"}, ToggleNone, "word:us_english"},
		{"SET LANGUAGE N'British'", []string{"LANGUAGE"}, ToggleNone, "N'British'"},
		{"SET TEXTSIZE 2147483647", []string{"TEXTSIZE"}, ToggleNone, "2147483647"},
		{"SET LOCK_TIMEOUT -1", []string{"LOCK_TIMEOUT"}, ToggleNone, "(- 1)"},
		{"SET ROWCOUNT @n", []string{"ROWCOUNT"}, ToggleNone, "@n"},
		{"SET DEADLOCK_PRIORITY LOW", []string{"DEADLOCK_PRIORITY"}, ToggleNone, "word:LOW"},
		{"SET DEADLOCK_PRIORITY -5", []string{"DEADLOCK_PRIORITY"}, ToggleNone, "(- 5)"},
		{"SET CONTEXT_INFO 0x01", []string{"CONTEXT_INFO"}, ToggleNone, "0x01"},
		{"SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED", []string{"TRANSACTION ISOLATION LEVEL"}, ToggleNone, "word:READ UNCOMMITTED"},
		{"SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", []string{"TRANSACTION ISOLATION LEVEL"}, ToggleNone, "word:SERIALIZABLE"},
	}
	for _, c := range cases {
		s := as[*SetOptionStmt](t, parse1(t, c.src))
		eq(t, c.src+" options", s.Options, c.opts)
		eq(t, c.src+" toggle", s.Toggle, c.toggle)
		if c.value != "" {
			eq(t, c.src+" value", show(s.Value), c.value)
		}
	}
	s := as[*SetOptionStmt](t, parse1(t, "SET IDENTITY_INSERT dbo.t ON"))
	eq(t, "identity_insert table", s.Table.String(), "dbo.t")
}

func TestFlowOfControl(t *testing.T) {
	i := as[*IfStmt](t, parse1(t, "IF EXISTS (SELECT 1 FROM catalog.folders WHERE name = N'f') PRINT 'yes' ELSE BEGIN PRINT 'no'; RETURN END"))
	eq(t, "if cond", show(i.Cond), "(EXISTS (SELECT 1 FROM catalog.folders WHERE (= name N'f')))")
	eq(t, "then", show(as[*PrintStmt](t, i.Then).X), "'yes'")
	blk := as[*BlockStmt](t, i.Else)
	eq(t, "else body", len(blk.Body), 2)
	as[*ReturnStmt](t, blk.Body[1])

	i = as[*IfStmt](t, parse1(t, "IF OBJECT_ID('tempdb..#t') IS NOT NULL DROP TABLE #t"))
	eq(t, "drop in if", as[*DropStmt](t, i.Then).Names[0].String(), "#t")
	eq(t, "object_id arg", show(i.Cond), "(IS-NOT-NULL OBJECT_ID('tempdb..#t'))")

	// ELSE IF chains.
	i = as[*IfStmt](t, parse1(t, "IF @a = 1 PRINT 1 ELSE IF @a = 2 PRINT 2 ELSE PRINT 3"))
	i2 := as[*IfStmt](t, i.Else)
	as[*PrintStmt](t, i2.Else)

	w := as[*WhileStmt](t, parse1(t, `WHILE (SELECT status FROM catalog.executions WHERE execution_id = @id) IN (2, 5)
BEGIN
	WAITFOR DELAY '00:00:01';
	IF @@ERROR <> 0 BREAK
	CONTINUE
END`))
	eq(t, "while cond", show(w.Cond), "(IN (SUBQUERY (SELECT status FROM catalog.executions WHERE (= execution_id @id))) [2 5])")
	body := as[*BlockStmt](t, w.Body).Body
	wf := as[*WaitForStmt](t, body[0])
	eq(t, "waitfor", show(wf.Value), "'00:00:01'")
	as[*BreakStmt](t, as[*IfStmt](t, body[1]).Then)
	as[*ContinueStmt](t, body[2])

	wf = as[*WaitForStmt](t, parse1(t, "WAITFOR TIME '22:00'"))
	eq(t, "waitfor time", wf.Time, true)

	b, err := Parse("retry:\nPRINT 1\nGOTO retry\nRETURN\nRETURN -1\nRETURN @rc")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "label", as[*LabelStmt](t, b.Stmts[0]).Name, "retry")
	eq(t, "goto", as[*GotoStmt](t, b.Stmts[2]).Label, "retry")
	eq(t, "bare return", as[*ReturnStmt](t, b.Stmts[3]).Value, Expr(nil))
	eq(t, "return -1", show(as[*ReturnStmt](t, b.Stmts[4]).Value), "(- 1)")
	eq(t, "return @rc", show(as[*ReturnStmt](t, b.Stmts[5]).Value), "@rc")
}

func TestTryCatchThrowRaiserror(t *testing.T) {
	tc := as[*TryCatchStmt](t, parse1(t, `BEGIN TRY
	EXEC catalog.start_execution @id
END TRY
BEGIN CATCH
	SELECT ERROR_NUMBER(), ERROR_MESSAGE();
	THROW;
END CATCH`))
	eq(t, "try", len(tc.Try), 1)
	eq(t, "catch", len(tc.Catch), 2)
	th := as[*ThrowStmt](t, tc.Catch[1])
	eq(t, "rethrow", th.Number, Expr(nil))

	tc = as[*TryCatchStmt](t, parse1(t, "BEGIN TRY SELECT 1/0 END TRY BEGIN CATCH END CATCH"))
	eq(t, "empty catch", len(tc.Catch), 0)

	th = as[*ThrowStmt](t, parse1(t, "THROW 50001, N'Folder not found', 1;"))
	eq(t, "throw", []string{show(th.Number), show(th.Message), show(th.State)}, []string{"50001", "N'Folder not found'", "1"})

	b, err := Parse("IF @x = 0 THROW 50000, 'x', 1")
	if err != nil {
		t.Fatal(err)
	}
	as[*ThrowStmt](t, as[*IfStmt](t, b.Stmts[0]).Then)
	if _, err := Parse("PRINT 1; THROW 50000, 'x', 1"); err != nil {
		t.Errorf("THROW after a semicolon: %v", err)
	}

	r := as[*RaiserrorStmt](t, parse1(t, "RAISERROR(N'Execution %I64d failed: %s', 16, 1, @id, @msg) WITH NOWAIT, LOG, SETERROR"))
	eq(t, "raiserror", []string{show(r.Message), show(r.Severity), show(r.State)}, []string{"N'Execution %I64d failed: %s'", "16", "1"})
	eq(t, "args", len(r.Args), 2)
	eq(t, "with", []bool{r.NoWait, r.Log, r.SetError}, []bool{true, true, true})
	r = as[*RaiserrorStmt](t, parse1(t, "RAISERROR(50001, 10, 1)"))
	eq(t, "msg id", show(r.Message), "50001")
	r = as[*RaiserrorStmt](t, parse1(t, "RAISERROR(@msg, @sev, @state)"))
	eq(t, "variable msg", show(r.Message), "@msg")
}

func TestTransactionsAndSession(t *testing.T) {
	b, err := Parse(`USE SSISDB
USE [master];
BEGIN TRAN
BEGIN TRANSACTION deploy WITH MARK 'deploying'
BEGIN DISTRIBUTED TRANSACTION
SAVE TRAN sp1
SAVE TRANSACTION @sp
COMMIT
COMMIT TRAN deploy
COMMIT WORK
ROLLBACK
ROLLBACK TRANSACTION sp1
ROLLBACK WORK
COMMIT TRANSACTION WITH (DELAYED_DURABILITY = ON)`)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "use", as[*UseStmt](t, b.Stmts[0]).Database, "SSISDB")
	eq(t, "use bracketed", as[*UseStmt](t, b.Stmts[1]).Database, "master")
	eq(t, "begin tran", as[*BeginTranStmt](t, b.Stmts[2]).Name, Expr(nil))
	bt := as[*BeginTranStmt](t, b.Stmts[3])
	eq(t, "named tran", []string{show(bt.Name), show(bt.MarkDesc)}, []string{"word:deploy", "'deploying'"})
	eq(t, "distributed", as[*BeginTranStmt](t, b.Stmts[4]).Distributed, true)
	eq(t, "save", show(as[*SaveTranStmt](t, b.Stmts[5]).Name), "word:sp1")
	eq(t, "save var", show(as[*SaveTranStmt](t, b.Stmts[6]).Name), "@sp")
	as[*CommitTranStmt](t, b.Stmts[7])
	eq(t, "commit name", show(as[*CommitTranStmt](t, b.Stmts[8]).Name), "word:deploy")
	eq(t, "commit work", as[*CommitTranStmt](t, b.Stmts[9]).Work, true)
	as[*RollbackTranStmt](t, b.Stmts[10])
	eq(t, "rollback savepoint", show(as[*RollbackTranStmt](t, b.Stmts[11]).Name), "word:sp1")
	eq(t, "rollback work", as[*RollbackTranStmt](t, b.Stmts[12]).Work, true)
	eq(t, "delayed durability", as[*CommitTranStmt](t, b.Stmts[13]).DelayedDurability, "ON")

	b, err = Parse("EXECUTE AS LOGIN = N'DOMAIN\\svc'; EXEC AS USER = 'u' WITH NO REVERT; EXECUTE AS CALLER; EXECUTE AS LOGIN = 'x' WITH COOKIE INTO @c; REVERT; REVERT WITH COOKIE = @c")
	if err != nil {
		t.Fatal(err)
	}
	ea := as[*ExecuteAsStmt](t, b.Stmts[0])
	eq(t, "execute as login", []string{ea.Kind, show(ea.Name)}, []string{"LOGIN", `N'DOMAIN\svc'`})
	ea = as[*ExecuteAsStmt](t, b.Stmts[1])
	eq(t, "exec as user", []any{ea.Kind, ea.NoRevert}, []any{"USER", true})
	eq(t, "caller", as[*ExecuteAsStmt](t, b.Stmts[2]).Kind, "CALLER")
	eq(t, "cookie", as[*ExecuteAsStmt](t, b.Stmts[3]).Cookie.Name, "@c")
	as[*RevertStmt](t, b.Stmts[4])
	eq(t, "revert cookie", show(as[*RevertStmt](t, b.Stmts[5]).Cookie), "@c")
}

func TestExec(t *testing.T) {
	e := as[*ExecStmt](t, parse1(t, "EXEC [SSISDB].[catalog].[create_execution] @package_name=N'p.dtsx', @execution_id=@execution_id OUTPUT, @folder_name=N'f', @use32bitruntime=False, @reference_id=Null, @runinscaleout=True"))
	eq(t, "proc", e.Proc.String(), "SSISDB.catalog.create_execution")
	eq(t, "proc parts", []string{e.Proc.Database, e.Proc.Schema, e.Proc.Name}, []string{"SSISDB", "catalog", "create_execution"})
	var args []string
	for _, a := range e.Args {
		s := a.Name + "=" + show(a.Value)
		if a.Output {
			s += " OUTPUT"
		}
		args = append(args, s)
	}
	eq(t, "args", args, []string{"@package_name=N'p.dtsx'", "@execution_id=@execution_id OUTPUT", "@folder_name=N'f'",
		"@use32bitruntime=word:False", "@reference_id=NULL", "@runinscaleout=word:True"})

	cases := []struct{ src, proc, args string }{
		{"EXEC catalog.start_execution @execution_id, @retry_count = 0", "catalog.start_execution", "@execution_id | @retry_count=0"},
		{"EXECUTE dbo.p 1, -2, +3.5, 'a', N'b', 0x0A, $1, NULL, DEFAULT, @v OUT", "dbo.p", "1 | (- 2) | (+ 3.5) | 'a' | N'b' | 0x0A | $1 | NULL | DEFAULT | @v OUT"},
		{"EXEC p V, aBc#def, [x y], \"q\", @@SPID", "p", "word:V | word:aBc#def | word[x y] | word[q] | @@SPID"},
		{"EXEC SSISDB..p", "SSISDB..p", ""},
		{"EXEC srv.SSISDB.catalog.p", "srv.SSISDB.catalog.p", ""},
		{"EXEC [SSISDB].[catalog] .[set_execution_parameter_value] @execution_id, @object_type = 50", "SSISDB.catalog.set_execution_parameter_value", "@execution_id | @object_type=50"},
		{"EXEC sp_executesql N'SELECT @x', N'@x int', @x = 1", "sp_executesql", "N'SELECT @x' | N'@x int' | @x=1"},
		{"EXEC CATALOG.create_folder @folder_name = N'f', @folder_id = @id OUTPUT", "CATALOG.create_folder", "@folder_name=N'f' | @folder_id=@id OUTPUT"},
	}
	for _, c := range cases {
		e := as[*ExecStmt](t, parse1(t, c.src))
		eq(t, c.src+" proc", e.Proc.String(), c.proc)
		var parts []string
		for _, a := range e.Args {
			s := show(a.Value)
			if a.Name != "" {
				s = a.Name + "=" + s
			}
			if a.Output {
				if strings.Contains(c.args, s+" OUT ") || strings.HasSuffix(c.args, s+" OUT") {
					s += " OUT"
				} else {
					s += " OUTPUT"
				}
			}
			parts = append(parts, s)
		}
		eq(t, c.src+" args", strings.Join(parts, " | "), c.args)
	}

	e = as[*ExecStmt](t, parse1(t, "EXEC @rc = dbo.p 1"))
	eq(t, "return status", e.ReturnStatus.Name, "@rc")
	e = as[*ExecStmt](t, parse1(t, "EXEC @proc @a = 1"))
	eq(t, "proc variable", e.ProcVar.Name, "@proc")
	eq(t, "proc nil", e.Proc, (*ObjectName)(nil))
	e = as[*ExecStmt](t, parse1(t, "EXEC @rc = @proc"))
	eq(t, "both", []string{e.ReturnStatus.Name, e.ProcVar.Name}, []string{"@rc", "@proc"})
	e = as[*ExecStmt](t, parse1(t, "EXEC dbo.p;2 'x' WITH RECOMPILE"))
	eq(t, "numbered", e.ProcNumber, 2)
	eq(t, "recompile", e.Recompile, true)

	es := as[*ExecStringStmt](t, parse1(t, "EXEC (@sql)"))
	eq(t, "exec string", show(es.Parts[0]), "@sql")
	es = as[*ExecStringStmt](t, parse1(t, "EXECUTE ('SELECT * FROM ' + @t + N' WHERE 1 = 1') AS USER = 'u'"))
	eq(t, "exec parts", len(es.Parts), 3)
	eq(t, "exec as", es.AsKind, "USER")
	u := as[*Unsupported](t, parse1(t, "EXEC ('SELECT 1') AT linked"))
	eq(t, "exec at", u.Feature, "EXECUTE AT")

	// EXECUTE AS is not EXEC.
	as[*ExecuteAsStmt](t, parse1(t, "EXECUTE AS LOGIN = 'sa'"))
}

func TestImplicitExec(t *testing.T) {
	cases := []struct{ src, proc string }{
		{"sp_who", "sp_who"},
		{"dbo.p 1, 2", "dbo.p"},
		{"[dbo].[p] @a = 1", "dbo.p"},
		{"SELEC 1", "SELEC"},
		{"GO 2", "GO"},
		{"-- comment first\n  sp_help 't'", "sp_help"},
	}
	for _, c := range cases {
		b, err := Parse(c.src)
		if err != nil {
			t.Fatalf("%q: %v", c.src, err)
		}
		e := as[*ExecStmt](t, b.Stmts[0])
		eq(t, c.src+" implicit", e.Implicit, true)
		eq(t, c.src+" proc", e.Proc.String(), c.proc)
	}
	// Only the first statement may omit EXEC.
	checkErrors(t, "PRINT 1\nsp_who", []want{near("sp_who", 2)})
}

func TestCreateProcedure(t *testing.T) {
	src := `CREATE PROCEDURE [dbo].[RunPackage]
	@folder nvarchar(128) = N'Default',
	@package AS sysname,
	@use32 bit = False,
	@mode char(1) = V,
	@id bigint = NULL OUTPUT,
	@rows dbo.RowList READONLY,
	@n int = -1 OUT
WITH EXECUTE AS OWNER, RECOMPILE
AS
BEGIN
	SET NOCOUNT ON;
	EXEC catalog.create_execution @folder_name = @folder, @package_name = @package, @execution_id = @id OUTPUT;
	RETURN 0;
END
`
	b, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	p := as[*CreateProcedureStmt](t, b.Stmts[0])
	eq(t, "name", p.Name.String(), "dbo.RunPackage")
	var params []string
	for _, x := range p.Params {
		s := x.Name + " " + show(x.Typ)
		if x.Default != nil {
			s += " = " + show(x.Default)
		}
		if x.Output {
			s += " OUTPUT"
		}
		if x.ReadOnly {
			s += " READONLY"
		}
		params = append(params, s)
	}
	eq(t, "params", params, []string{
		"@folder nvarchar(128) = N'Default'", "@package sysname", "@use32 bit = word:False", "@mode char(1) = word:V",
		"@id bigint = NULL OUTPUT", "@rows dbo.RowList READONLY", "@n int = (- 1) OUTPUT"})
	eq(t, "execute as", p.ExecuteAs, "OWNER")
	eq(t, "options", p.Options, []string{"RECOMPILE"})
	eq(t, "body", len(p.Body), 1)
	eq(t, "body block", len(as[*BlockStmt](t, p.Body[0]).Body), 3)
	eq(t, "body pos", p.BodyPos.Line, 11)
	eq(t, "definition", b.Text(p), strings.TrimRight(src, "\n"))

	// The other spellings.
	for _, c := range []struct {
		src            string
		alter, orAlter bool
	}{
		{"ALTER PROC p AS SELECT 1", true, false},
		{"CREATE OR ALTER PROCEDURE p (@a int) AS SELECT @a", false, true},
		{"create proc p @a int, @b int AS select 1; select 2", false, false},
	} {
		p := as[*CreateProcedureStmt](t, parse1(t, c.src))
		eq(t, c.src+" alter", []bool{p.Alter, p.OrAlter}, []bool{c.alter, c.orAlter})
	}
	p = as[*CreateProcedureStmt](t, parse1(t, "create proc p @a int, @b int AS select 1; select 2"))
	eq(t, "unbracketed body", len(p.Body), 2)
}

func TestDML(t *testing.T) {
	in := as[*InsertStmt](t, parse1(t, "INSERT INTO dbo.t (a, [b]) OUTPUT inserted.id, inserted.* INTO @ids (id) VALUES (1, 'x'), (2, DEFAULT)"))
	eq(t, "target", in.Target.Name.String(), "dbo.t")
	eq(t, "columns", in.Columns, []string{"a", "b"})
	eq(t, "rows", len(in.Values), 2)
	eq(t, "default", show(in.Values[1][1]), "DEFAULT")
	eq(t, "output", show(in.Output[0].Items[0])+" | "+show(in.Output[0].Items[1]), "inserted.id | inserted.*")
	eq(t, "output into", in.Output[0].Into.Var.Name, "@ids")

	in = as[*InsertStmt](t, parse1(t, "INSERT #t SELECT a FROM t WHERE a > 1"))
	eq(t, "insert select", show(in.Query), "(SELECT a FROM t WHERE (> a 1))")
	in = as[*InsertStmt](t, parse1(t, "INSERT INTO @r (name) EXEC dbo.p @x = 1"))
	eq(t, "insert exec", as[*ExecStmt](t, in.Exec).Proc.String(), "dbo.p")
	in = as[*InsertStmt](t, parse1(t, "INSERT INTO t DEFAULT VALUES"))
	eq(t, "default values", in.DefaultValues, true)
	in = as[*InsertStmt](t, parse1(t, "WITH c AS (SELECT 1 AS a) INSERT INTO t (a) SELECT a FROM c"))
	eq(t, "insert with", len(in.With), 1)
	eq(t, "insert with pos", in.Pos.Col, 1)
	in = as[*InsertStmt](t, parse1(t, "INSERT TOP (5) INTO SSISDB.dbo.t WITH (TABLOCK) (a) VALUES (1)"))
	eq(t, "top and hints", []string{show(in.Top.Count), in.Target.Hints[0].Name}, []string{"5", "TABLOCK"})

	up := as[*UpdateStmt](t, parse1(t, "UPDATE e SET e.status = 7, @old = status = 4, x += 1, y = DEFAULT OUTPUT deleted.status FROM catalog.executions e JOIN t ON t.id = e.id WHERE e.id = @id"))
	eq(t, "update target", up.Target.Name.String(), "e")
	var sets []string
	for _, s := range up.Set {
		v := ""
		if s.Var != nil {
			v = s.Var.Name + " "
		}
		c := ""
		if s.Column != nil {
			c = s.Column.String() + " "
		}
		sets = append(sets, v+c+s.Op+" "+show(s.Value))
	}
	eq(t, "sets", sets, []string{"e.status = 7", "@old status = 4", "x += 1", "y = DEFAULT"})
	eq(t, "update output", len(up.Output), 1)
	eq(t, "update from", show(up.From[0]), "(INNER JOIN catalog.executions AS e t ON (= t.id e.id))")
	eq(t, "update where", show(up.Where), "(= e.id @id)")
	up = as[*UpdateStmt](t, parse1(t, "UPDATE t SET a = 1 WHERE CURRENT OF c"))
	eq(t, "current of", up.CurrentOf.Name, "c")
	up = as[*UpdateStmt](t, parse1(t, "UPDATE @t SET @v = a"))
	eq(t, "table variable", up.Target.Var.Name, "@t")

	del := as[*DeleteStmt](t, parse1(t, "DELETE FROM #t WHERE id < 5"))
	eq(t, "delete", []string{del.Target.Name.String(), show(del.Where)}, []string{"#t", "(< id 5)"})
	del = as[*DeleteStmt](t, parse1(t, "DELETE t OUTPUT deleted.id FROM dbo.t t JOIN u ON u.id = t.id"))
	eq(t, "delete join", show(del.From[0]), "(INNER JOIN dbo.t AS t u ON (= u.id t.id))")
	del = as[*DeleteStmt](t, parse1(t, "DELETE TOP (10) @t"))
	eq(t, "delete top", show(del.Top.Count), "10")

	u := as[*Unsupported](t, parse1(t, "MERGE t USING s ON t.a = s.a WHEN MATCHED THEN UPDATE SET b = 1 WHEN NOT MATCHED THEN INSERT (a) VALUES (s.a);"))
	eq(t, "merge", u.Feature, "MERGE")
}

func TestCreateTable(t *testing.T) {
	src := `CREATE TABLE SSISDB.dbo.runs (
	id int IDENTITY(1,1) NOT NULL,
	name nvarchar(128) COLLATE Latin1_General_CI_AS NULL,
	started datetime2(7) CONSTRAINT df_started DEFAULT (sysdatetime()),
	state char(1) NOT NULL CHECK (state IN ('A', 'B')),
	parent int REFERENCES dbo.runs (id) ON DELETE NO ACTION,
	guid uniqueidentifier ROWGUIDCOL UNIQUE NONCLUSTERED,
	total AS id * 2 PERSISTED,
	CONSTRAINT pk_runs PRIMARY KEY CLUSTERED (id ASC, started DESC) WITH (PAD_INDEX = OFF) ON [PRIMARY],
	CONSTRAINT fk_x FOREIGN KEY (parent) REFERENCES dbo.runs (id) ON DELETE CASCADE ON UPDATE SET NULL,
	INDEX ix_name NONCLUSTERED (name)
) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]`
	c := as[*CreateTableStmt](t, parse1(t, src))
	eq(t, "name", c.Name.String(), "SSISDB.dbo.runs")
	cols := c.Def.Columns
	eq(t, "columns", len(cols), 7)
	eq(t, "identity", cols[0].Identity != nil && cols[0].Null == NotNull, true)
	eq(t, "collation", []any{cols[1].Collation, cols[1].Null}, []any{"Latin1_General_CI_AS", Nullable})
	eq(t, "named default", []string{cols[2].DefaultName, show(cols[2].Default), show(cols[2].Typ)}, []string{"df_started", "sysdatetime()", "datetime2(7)"})
	eq(t, "check", show(cols[3].Constraints[0].Check), "(IN state ['A' 'B'])")
	eq(t, "references", []string{cols[4].Constraints[0].RefTable.String(), cols[4].Constraints[0].OnDelete}, []string{"dbo.runs", "NO ACTION"})
	eq(t, "rowguid unique", []any{cols[5].RowGuidCol, cols[5].Constraints[0].Kind, cols[5].Constraints[0].Clustered}, []any{true, UniqueKey, "NONCLUSTERED"})
	eq(t, "computed", []any{show(cols[6].Computed), cols[6].Persisted}, []any{"(* id 2)", true})
	k := c.Def.Constraints
	eq(t, "pk", []any{k[0].Name, k[0].Kind, k[0].Clustered, show(k[0].Columns[0]), show(k[0].Columns[1])}, []any{"pk_runs", PrimaryKey, "CLUSTERED", "id", "started DESC"})
	eq(t, "fk", []any{k[1].Kind, k[1].OnDelete, k[1].OnUpdate, k[1].RefColumns}, []any{ForeignKey, "CASCADE", "SET NULL", []string{"id"}})
	eq(t, "index", c.Def.Indexes[0].Name, "ix_name")

	c = as[*CreateTableStmt](t, parse1(t, "CREATE TABLE ##g (a int)"))
	eq(t, "global temp", c.Name.String(), "##g")
	tr := as[*TruncateTableStmt](t, parse1(t, "TRUNCATE TABLE dbo.t"))
	eq(t, "truncate", tr.Name.String(), "dbo.t")
	d := as[*DropStmt](t, parse1(t, "DROP TABLE IF EXISTS #a, dbo.b"))
	eq(t, "drop", []any{d.Kind, d.IfExists, d.Names[0].String(), d.Names[1].String()}, []any{"TABLE", true, "#a", "dbo.b"})
	d = as[*DropStmt](t, parse1(t, "DROP PROC dbo.p"))
	eq(t, "drop proc", d.Kind, "PROCEDURE")
	d = as[*DropStmt](t, parse1(t, "DROP PROCEDURE IF EXISTS [dbo].[p]"))
	eq(t, "drop proc if exists", []any{d.Kind, d.IfExists}, []any{"PROCEDURE", true})
}

func TestSecurity(t *testing.T) {
	cl := as[*CreateLoginStmt](t, parse1(t, "CREATE LOGIN ci WITH PASSWORD = N'P@ssw0rd!' MUST_CHANGE, DEFAULT_DATABASE = [SSISDB], CHECK_POLICY = OFF, CHECK_EXPIRATION = ON"))
	eq(t, "login", cl.Name, "ci")
	var opts []string
	for _, o := range cl.Options {
		opts = append(opts, o.Name+"="+show(o.Value)+strings.Join(o.Flags, ""))
	}
	eq(t, "login options", opts, []string{"PASSWORD=N'P@ssw0rd!'MUST_CHANGE", "DEFAULT_DATABASE=word[SSISDB]", "CHECK_POLICY=word:OFF", "CHECK_EXPIRATION=word:ON"})
	cl = as[*CreateLoginStmt](t, parse1(t, `CREATE LOGIN [CONTOSO\ssis] FROM WINDOWS WITH DEFAULT_DATABASE = master`))
	eq(t, "windows login", []any{cl.Name, cl.FromWindows}, []any{`CONTOSO\ssis`, true})

	al := as[*AlterLoginStmt](t, parse1(t, "ALTER LOGIN sa ENABLE"))
	eq(t, "enable", al.Enable, true)
	al = as[*AlterLoginStmt](t, parse1(t, "ALTER LOGIN ci DISABLE"))
	eq(t, "disable", al.Disable, true)
	al = as[*AlterLoginStmt](t, parse1(t, "ALTER LOGIN ci WITH PASSWORD = 'new' OLD_PASSWORD = 'old'"))
	eq(t, "password change", []string{al.Options[0].Name, al.Options[1].Name}, []string{"PASSWORD", "OLD_PASSWORD"})
	al = as[*AlterLoginStmt](t, parse1(t, "ALTER LOGIN ci WITH PASSWORD = 'x' UNLOCK, NAME = ci2"))
	eq(t, "unlock", al.Options[0].Flags, []string{"UNLOCK"})

	dl := as[*DropStmt](t, parse1(t, "DROP LOGIN ci"))
	eq(t, "drop login", dl.Kind, "LOGIN")

	cu := as[*CreateUserStmt](t, parse1(t, "CREATE USER ci FOR LOGIN ci WITH DEFAULT_SCHEMA = catalog"))
	eq(t, "user", []string{cu.Name, cu.Login, cu.Options[0].Name, show(cu.Options[0].Value)}, []string{"ci", "ci", "DEFAULT_SCHEMA", "word:catalog"})
	cu = as[*CreateUserStmt](t, parse1(t, "CREATE USER AllSchemaOwner WITHOUT LOGIN"))
	eq(t, "without login", cu.WithoutLogin, true)
	cu = as[*CreateUserStmt](t, parse1(t, "CREATE USER [x] FROM LOGIN [y]"))
	eq(t, "from login", cu.Login, "y")
	au := as[*AlterUserStmt](t, parse1(t, "ALTER USER u WITH DEFAULT_SCHEMA = dbo"))
	eq(t, "alter user", au.Options[0].Name, "DEFAULT_SCHEMA")
	eq(t, "drop user", as[*DropStmt](t, parse1(t, "DROP USER IF EXISTS u")).Kind, "USER")

	ar := as[*AlterRoleStmt](t, parse1(t, "ALTER ROLE ssis_admin ADD MEMBER [ci]"))
	eq(t, "alter role", []any{ar.Role, ar.Action, ar.Member, ar.Server}, []any{"ssis_admin", "ADD MEMBER", "ci", false})
	ar = as[*AlterRoleStmt](t, parse1(t, "ALTER SERVER ROLE sysadmin DROP MEMBER ci"))
	eq(t, "server role", []any{ar.Server, ar.Action}, []any{true, "DROP MEMBER"})
	cr := as[*CreateRoleStmt](t, parse1(t, "CREATE ROLE deployers AUTHORIZATION dbo"))
	eq(t, "create role", []string{cr.Name, cr.Authorization}, []string{"deployers", "dbo"})

	g := as[*PermissionStmt](t, parse1(t, "GRANT EXECUTE, VIEW DEFINITION ON SCHEMA::[catalog] TO deployers, [ci] WITH GRANT OPTION"))
	eq(t, "grant", []any{g.Action, g.Permissions, g.Class, g.On.String(), g.Principals, g.GrantOption},
		[]any{"GRANT", []string{"EXECUTE", "VIEW DEFINITION"}, "SCHEMA", "catalog", []string{"deployers", "ci"}, true})
	g = as[*PermissionStmt](t, parse1(t, "DENY SELECT ON catalog.executions TO public CASCADE"))
	eq(t, "deny", []any{g.Action, g.On.String(), g.Principals, g.Cascade}, []any{"DENY", "catalog.executions", []string{"public"}, true})
	g = as[*PermissionStmt](t, parse1(t, "REVOKE GRANT OPTION FOR EXECUTE ON OBJECT::dbo.p FROM u"))
	eq(t, "revoke", []any{g.Action, g.GrantOptionFor, g.Class}, []any{"REVOKE", true, "OBJECT"})
	g = as[*PermissionStmt](t, parse1(t, "GRANT CONNECT SQL TO ci"))
	eq(t, "server permission", g.Permissions, []string{"CONNECT SQL"})
}

func TestUnsupportedStatements(t *testing.T) {
	cases := []struct {
		src, feature string
		stmts        int
	}{
		{"CREATE FUNCTION dbo.f() RETURNS int AS BEGIN RETURN 1 END", "CREATE FUNCTION", 1},
		{"CREATE VIEW v AS SELECT 1 AS a", "CREATE VIEW", 1},
		{"CREATE TRIGGER tr ON t AFTER INSERT AS BEGIN SELECT 1 END", "CREATE TRIGGER", 1},
		{"CREATE INDEX ix ON t (a) INCLUDE (b)\nSELECT 1", "CREATE INDEX", 2},
		{"CREATE UNIQUE CLUSTERED INDEX ix ON t (a); SELECT 1", "CREATE INDEX", 2},
		{"CREATE TYPE dbo.L AS TABLE (id int)\nPRINT 1", "CREATE TYPE", 2},
		{"CREATE SCHEMA s AUTHORIZATION dbo", "CREATE SCHEMA", 1},
		{"CREATE DATABASE d\nUSE d", "CREATE DATABASE", 2},
		{"ALTER TABLE t ADD c int NULL\nPRINT 1", "ALTER TABLE", 2},
		{"ALTER TABLE t ALTER COLUMN c bigint NOT NULL\nPRINT 1", "ALTER TABLE", 2},
		{"ALTER TABLE t DROP CONSTRAINT df\nPRINT 1", "ALTER TABLE", 2},
		{"ALTER DATABASE d SET SINGLE_USER WITH ROLLBACK IMMEDIATE\nSET NOCOUNT ON", "ALTER DATABASE", 2},
		{"BULK INSERT t FROM 'f.csv' WITH (FIELDTERMINATOR = ',')\nSELECT 1", "BULK INSERT", 2},
		{"DBCC CHECKIDENT('t', RESEED, 0)\nSELECT 1", "DBCC", 2},
		{"BACKUP DATABASE SSISDB TO DISK = 'x.bak' WITH INIT", "BACKUP", 1},
		{"RESTORE DATABASE SSISDB FROM DISK = 'x.bak'", "RESTORE", 1},
		{"MERGE t USING s ON 1 = 1 WHEN MATCHED THEN DELETE; PRINT 1", "MERGE", 2},
		{"WITH c AS (SELECT 1 a) MERGE t USING c ON 1 = 1 WHEN MATCHED THEN DELETE;", "MERGE", 1},
		{"DROP INDEX ix ON t\nPRINT 1", "DROP INDEX", 2},
		{"CHECKPOINT", "CHECKPOINT", 1},
		{"UPDATE STATISTICS dbo.t WITH FULLSCAN\nPRINT 1", "UPDATE STATISTICS", 2},
		{"KILL 55", "KILL", 1},
		{"RECONFIGURE WITH OVERRIDE", "RECONFIGURE", 1},
		{"OPEN SYMMETRIC KEY k DECRYPTION BY CERTIFICATE c\nSELECT 1", "OPEN SYMMETRIC KEY", 2},
		{"ENABLE TRIGGER tr ON t", "ENABLE TRIGGER", 1},
		{"BEGIN CONVERSATION TIMER (@h) TIMEOUT = 1", "BEGIN CONVERSATION", 1},
		{"WITH XMLNAMESPACES ('u' AS x) SELECT 1", "WITH XMLNAMESPACES", 1},
		{"SET @c = CURSOR FOR SELECT 1", "SET CURSOR", 1},
	}
	for _, c := range cases {
		b, err := Parse(c.src)
		if err != nil {
			t.Errorf("%q: %v", c.src, err)
			continue
		}
		eq(t, c.src+" statements", len(b.Stmts), c.stmts)
		u := as[*Unsupported](t, b.Stmts[0])
		eq(t, c.src+" feature", u.Feature, c.feature)
		e := u.Err()
		if e.Number != 40510 || e.Severity != 16 || e.Message != "Statement '"+c.feature+"' is not supported in this version of SQL Server." {
			t.Errorf("%q: Err() = %v", c.src, e)
		}
	}
	u := as[*Unsupported](t, parse1(t, "EXEC p WITH RESULT SETS ((a int))"))
	if e := u.Err(); e.Number != 40517 || e.Message != "Keyword or statement option 'WITH RESULT SETS' is not supported in this version of SQL Server." {
		t.Errorf("option: %v", e)
	}
	// Inside a block, an unsupported statement stops at END.
	b, err := Parse("IF 1 = 1 BEGIN DBCC FREEPROCCACHE END ELSE PRINT 1")
	if err != nil {
		t.Fatal(err)
	}
	blk := as[*BlockStmt](t, as[*IfStmt](t, b.Stmts[0]).Then)
	as[*Unsupported](t, blk.Body[0])
}

func TestQuotedIdentifierOff(t *testing.T) {
	b, err := ParseWith(`SELECT "abc" AS x`, Options{QuotedIdentifierOff: true})
	if err != nil {
		t.Fatal(err)
	}
	qs := b.Stmts[0].(*SelectStmt).Query.Body.(*QuerySpec)
	eq(t, "double-quoted string", show(qs.Items[0].Expr), "'abc'")
	b, err = Parse(`SELECT "abc" AS x`)
	if err != nil {
		t.Fatal(err)
	}
	qs = b.Stmts[0].(*SelectStmt).Query.Body.(*QuerySpec)
	eq(t, "double-quoted name", show(qs.Items[0].Expr), "abc")
}

func TestStatementSpans(t *testing.T) {
	src := "DECLARE @a int = 1;\nSELECT @a\n\n  PRINT 'x' -- done\nIF @a = 1\n  PRINT 'one'"
	b, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	var lines []int
	for _, s := range b.Stmts {
		texts = append(texts, b.Text(s))
		lines = append(lines, s.Position().Line)
	}
	eq(t, "texts", texts, []string{"DECLARE @a int = 1;", "SELECT @a", "PRINT 'x'", "IF @a = 1\n  PRINT 'one'"})
	eq(t, "lines", lines, []int{1, 2, 4, 5})
	inner := b.Stmts[3].(*IfStmt).Then
	eq(t, "inner text", b.Text(inner), "PRINT 'one'")
}
