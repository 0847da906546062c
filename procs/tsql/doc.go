// Package tsql is the T-SQL front end of the emulator: a lexer, an abstract
// syntax tree and a recursive-descent parser. It is pure: text in, a *Batch
// (or SQL Server's compile errors) out; it runs nothing and looks nothing up.
//
// # Entry points
//
//	b, err := tsql.Parse(src)                 // QUOTED_IDENTIFIER ON
//	b, err := tsql.ParseWith(src, tsql.Options{QuotedIdentifierOff: true})
//
// err, when not nil, is an Errors value: the compile errors SQL Server would
// send for the batch, in its order (usually one), each a *sqlerr.Error with
// number, severity 15, state and the 1-based line in the batch. A batch with
// a compile error runs nothing, so the caller sends the errors and stops.
// The parser raises:
//
//   - 102 Incorrect syntax near '%s' (the token as typed; at the end of the
//     text the last token, whatever it is) and 156 ... near the keyword '%s'
//     for a reserved word;
//   - 105 for a string or quoted name left open (with its 102, or after the
//     syntax error that came first), 113 for a comment left open, 103 for a
//     name over 128 characters;
//   - 191 past Options.MaxDepth levels of nesting, 195 for an unknown SET
//     option, 319 for a WITH after a statement with no semicolon, 4145 for
//     a value where a condition belongs;
//   - and, when the text parses, the checks SQL Server makes while compiling
//     that need no catalog: 111 (CREATE PROCEDURE not first in the batch),
//     132 and 133 (labels), 135 and 136 (BREAK, CONTINUE outside WHILE),
//     10704 (THROW; outside CATCH). Variables (137, 134) are the engine's.
//
// # Positions and text
//
// Every node records where it starts (Pos: byte offset, line and column,
// 1-based, counted from the start of the batch). Statements also record
// where they end (StmtBase.End), so Batch.Text returns the source text of
// any statement: CREATE PROCEDURE keeps its definition that way, and
// ERROR_LINE is a statement's Pos.Line.
//
// # The node set
//
// Statements (Stmt) mirror T-SQL's statement kinds:
//
//   - variables and options: DeclareStmt (scalars, table variables, cursor
//     variables), DeclareCursorStmt, SetVarStmt, SetOptionStmt
//   - control of flow: BlockStmt (BEGIN...END), IfStmt, WhileStmt,
//     BreakStmt, ContinueStmt, GotoStmt, LabelStmt, ReturnStmt,
//     WaitForStmt, TryCatchStmt, ThrowStmt, RaiserrorStmt, PrintStmt
//   - procedures: ExecStmt (EXEC proc args; also a bare procedure call as
//     the first statement of a batch, Implicit), ExecStringStmt (EXEC
//     (@sql)), CreateProcedureStmt (CREATE, ALTER, CREATE OR ALTER)
//   - queries and DML: SelectStmt, InsertStmt, UpdateStmt, DeleteStmt,
//     CreateTableStmt, TruncateTableStmt, DropStmt (any DROP kind)
//   - cursors: OpenCursorStmt, FetchStmt, CloseCursorStmt,
//     DeallocateCursorStmt
//   - session: UseStmt, BeginTranStmt, CommitTranStmt, RollbackTranStmt,
//     SaveTranStmt, ExecuteAsStmt, RevertStmt
//   - security: CreateLoginStmt, AlterLoginStmt, CreateUserStmt,
//     AlterUserStmt, CreateRoleStmt, AlterRoleStmt, PermissionStmt
//     (GRANT, DENY, REVOKE)
//   - Unsupported: a statement we recognise but do not implement (MERGE,
//     CREATE FUNCTION/VIEW/TRIGGER/INDEX, BULK INSERT, DBCC, BACKUP, ALTER
//     TABLE, ...). Its Err method gives the documented answer, Msg 40510
//     (or 40517 for an option).
//
// Queries: a Query is a full query expression (WITH CTEs, a body, ORDER BY,
// OFFSET/FETCH, FOR XML/JSON, OPTION). Its Body is a QueryExpr: a
// QuerySpec (one SELECT ... FROM ... WHERE ... GROUP BY ... HAVING), a
// SetOpQuery (UNION [ALL], EXCEPT, INTERSECT) or a ParenQuery. FROM holds
// TableExprs: TableRef (a named table, a table variable or #temp, with
// alias and hints), DerivedTable, ValuesTable, TableFuncRef (STRING_SPLIT,
// OPENJSON, any table-valued function), OpenRowset, JoinExpr (all joins and
// APPLY), PivotTable and UnpivotTable.
//
// Expressions (Expr): Literal (numbers, strings, binary, NULL), Variable,
// GlobalVar (@@name), ColumnRef, Star, BareWord (an unquoted word used as
// a string, as in EXEC p @b = False), DefaultExpr, UnaryExpr, BinaryExpr
// (arithmetic, string +, bitwise, comparisons, AND, OR), IsNullExpr,
// IsDistinctExpr, LikeExpr, InExpr, BetweenExpr, ExistsExpr,
// QuantifiedExpr (= ANY (subquery)), SubqueryExpr, CaseExpr, CastExpr
// (CAST/TRY_CAST), ConvertExpr (CONVERT/TRY_CONVERT), ParseExpr
// (PARSE/TRY_PARSE), FuncCall (every other function, aggregates and window
// functions with OVER, niladic CURRENT_TIMESTAMP and friends), CollateExpr,
// OdbcLiteral ({d '...'}), TrimExpr (TRIM(x FROM y)), MethodCall
// (@x.value('.', 'int'), (SELECT ... FOR XML PATH(”), TYPE).value(...)) and UnsupportedExpr
// (NEXT VALUE FOR and other recognised but unimplemented forms).
//
// Walk visits every node below a node or batch, depth first; Dump renders
// any node as an indented tree, for tests and debugging.
//
// Identifiers in the tree are unquoted ([a]]b] is "a]b") and keep the case
// they were written in; comparing them is the engine's business (the
// server collation is case-insensitive). Keywords and option names that
// the tree stores as strings are upper case.
package tsql
