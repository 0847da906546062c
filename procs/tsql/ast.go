package tsql

import "strings"

// Pos is a place in the batch text: a byte offset and a 1-based line and
// column (columns count characters, not bytes).
type Pos struct {
	Offset int
	Line   int
	Col    int
}

// Node is any node of the tree.
type Node interface {
	Position() Pos
}

// Base is embedded in every node that is not a statement.
type Base struct {
	Pos Pos
}

// Position returns where the node starts.
func (b *Base) Position() Pos { return b.Pos }

// StmtBase is embedded in every statement: where it starts, and the byte
// offset just past its last token (a terminating semicolon included).
type StmtBase struct {
	Pos Pos
	End int
}

// Position returns where the statement starts.
func (s *StmtBase) Position() Pos { return s.Pos }

// Span returns the statement's byte range in the batch text.
func (s *StmtBase) Span() (start, end int) { return s.Pos.Offset, s.End }

func (*StmtBase) stmtNode() {}

// Stmt is a statement.
type Stmt interface {
	Node
	Span() (start, end int)
	stmtNode()
}

// Expr is a scalar or boolean expression.
type Expr interface {
	Node
	exprNode()
}

// TableExpr is an item of a FROM clause.
type TableExpr interface {
	Node
	tableNode()
}

// QueryExpr is the body of a query: *QuerySpec, *SetOpQuery or *ParenQuery.
type QueryExpr interface {
	Node
	queryNode()
}

// Batch is one parsed batch.
type Batch struct {
	Source string
	Stmts  []Stmt
}

// Text returns the source text of a statement of the batch.
func (b *Batch) Text(s Stmt) string {
	start, end := s.Span()
	if start < 0 || end > len(b.Source) || start > end {
		return ""
	}
	return b.Source[start:end]
}

// ---------------------------------------------------------------------------
// Names and types

// ObjectName is a name of up to four parts, server.database.schema.object,
// as written: parts left out (SSISDB..t) or not written (catalog.x) are "".
type ObjectName struct {
	Base
	Server   string
	Database string
	Schema   string
	Name     string
	Parts    int // how many parts were written, 1..4
}

// String renders the name without brackets, from its first written part:
// "dbo.p", "SSISDB..x", "catalog.create_execution". This is how SQL Server
// quotes a name "as written" in its messages.
func (n *ObjectName) String() string {
	if n == nil {
		return ""
	}
	parts := [4]string{n.Server, n.Database, n.Schema, n.Name}
	k := n.Parts
	if k < 1 {
		k = 1
	}
	if k > 4 {
		k = 4
	}
	return strings.Join(parts[4-k:], ".")
}

// DataType is a type as written in DECLARE, CAST, a parameter or a column.
type DataType struct {
	Base
	Schema string
	// Name is the lower-case canonical name for a built-in type ("nvarchar"
	// for "national character varying", "float" for "double precision",
	// "int" for "integer", "sysname") and the name as written otherwise (a
	// user or alias type).
	Name    string
	Builtin bool
	Args    []int64 // (n), (p, s); empty when none were written
	Max     bool    // (max)
}

// ---------------------------------------------------------------------------
// Expressions

// LitKind is the kind of a Literal.
type LitKind uint8

// Literal kinds.
const (
	LitNull    LitKind = iota // NULL
	LitInteger                // 42 (the engine picks int, bigint or numeric by size)
	LitDecimal                // 1.5, .5, 1.
	LitFloat                  // 1e5, 1.5E-3
	LitMoney                  // $12.50 (Text without the $)
	LitString                 // 'abc'
	LitNString                // N'abc'
	LitBinary                 // 0x1F (Text is the hex digits, without 0x)
)

var litKindNames = [...]string{"NULL", "integer", "decimal", "float", "money", "string", "nstring", "binary"}

func (k LitKind) String() string {
	if int(k) < len(litKindNames) {
		return litKindNames[k]
	}
	return "?"
}

// Literal is a constant. Text is the decoded value for strings (quotes
// removed, ” undoubled) and the digits as written for numbers.
type Literal struct {
	Base
	Kind LitKind
	Text string
	Neg  bool // a money literal written $-1.5
}

// Variable is a local variable or parameter, @name (Name keeps the @).
type Variable struct {
	Base
	Name string
}

// GlobalVar is @@name (Name keeps the @@ and the case as written).
type GlobalVar struct {
	Base
	Name string
}

// ColumnRef is a column, possibly qualified: t.c, dbo.t.c, db.dbo.t.c.
type ColumnRef struct {
	Base
	Table  *ObjectName // nil when unqualified
	Column string
}

// String renders the reference as SQL Server quotes it in messages: "t.c".
func (c *ColumnRef) String() string {
	if c.Table == nil {
		return c.Column
	}
	return c.Table.String() + "." + c.Column
}

// Star is * or t.* in a select list (and the * of COUNT(*) is FuncCall.Star).
type Star struct {
	Base
	Table *ObjectName // nil for a bare *
}

// BareWord is an unquoted word that T-SQL takes as a string where a value
// is expected: EXEC arguments (@b = False, @t = V), procedure parameter
// defaults, and the word values of SET options (DATEFORMAT dmy, isolation
// level READ COMMITTED). For EXEC arguments a [bracketed] or "quoted" word
// is a BareWord too, with Quoted set.
type BareWord struct {
	Base
	Text   string
	Quoted bool
}

// DefaultExpr is the DEFAULT keyword used as a value (EXEC p DEFAULT,
// VALUES (DEFAULT), SET c = DEFAULT).
type DefaultExpr struct {
	Base
}

// UnaryOp is a prefix operator.
type UnaryOp uint8

// Unary operators.
const (
	OpNeg    UnaryOp = iota + 1 // -
	OpPlus                      // +
	OpBitNot                    // ~
	OpNot                       // NOT
)

func (o UnaryOp) String() string {
	switch o {
	case OpNeg:
		return "-"
	case OpPlus:
		return "+"
	case OpBitNot:
		return "~"
	case OpNot:
		return "NOT"
	}
	return "?"
}

// UnaryExpr is a prefix operator applied to X.
type UnaryExpr struct {
	Base
	Op UnaryOp
	X  Expr
}

// BinaryOp is an infix operator.
type BinaryOp uint8

// Binary operators. OpAdd is also string concatenation; the engine decides
// by the operand types.
const (
	OpAdd    BinaryOp = iota + 1 // +
	OpSub                        // -
	OpMul                        // *
	OpDiv                        // /
	OpMod                        // %
	OpBitAnd                     // &
	OpBitOr                      // |
	OpBitXor                     // ^
	OpEq                         // =
	OpNe                         // <> or !=
	OpLt                         // <
	OpGt                         // >
	OpLe                         // <=
	OpGe                         // >=
	OpNotLt                      // !<
	OpNotGt                      // !>
	OpAnd                        // AND
	OpOr                         // OR
)

var binaryOpNames = [...]string{"?", "+", "-", "*", "/", "%", "&", "|", "^", "=", "<>", "<", ">", "<=", ">=", "!<", "!>", "AND", "OR"}

func (o BinaryOp) String() string {
	if int(o) < len(binaryOpNames) {
		return binaryOpNames[o]
	}
	return "?"
}

// IsComparison reports =, <>, <, >, <=, >=, !<, !>.
func (o BinaryOp) IsComparison() bool { return o >= OpEq && o <= OpNotGt }

// IsLogical reports AND and OR.
func (o BinaryOp) IsLogical() bool { return o == OpAnd || o == OpOr }

// BinaryExpr is L Op R. Pos is the position of L; OpPos that of the operator.
type BinaryExpr struct {
	Base
	Op    BinaryOp
	OpPos Pos
	L, R  Expr
}

// IsNullExpr is X IS [NOT] NULL.
type IsNullExpr struct {
	Base
	X   Expr
	Not bool
}

// IsDistinctExpr is X IS [NOT] DISTINCT FROM Y.
type IsDistinctExpr struct {
	Base
	X, Y Expr
	Not  bool
}

// LikeExpr is X [NOT] LIKE Pattern [ESCAPE Escape].
type LikeExpr struct {
	Base
	X, Pattern Expr
	Escape     Expr // nil when absent
	Not        bool
}

// InExpr is X [NOT] IN (List) or X [NOT] IN (subquery).
type InExpr struct {
	Base
	X     Expr
	List  []Expr
	Query *Query // set instead of List for a subquery
	Not   bool
}

// BetweenExpr is X [NOT] BETWEEN Lo AND Hi.
type BetweenExpr struct {
	Base
	X, Lo, Hi Expr
	Not       bool
}

// ExistsExpr is EXISTS (subquery).
type ExistsExpr struct {
	Base
	Query *Query
}

// QuantifiedExpr is X op ANY|SOME|ALL (subquery).
type QuantifiedExpr struct {
	Base
	X     Expr
	Op    BinaryOp
	All   bool // ALL; false for ANY and SOME
	Query *Query
}

// SubqueryExpr is a scalar subquery, (SELECT ...).
type SubqueryExpr struct {
	Base
	Query *Query
}

// WhenClause is one WHEN ... THEN ... of a CASE.
type WhenClause struct {
	Base
	Cond   Expr // the boolean condition, or the value compared with CaseExpr.Operand
	Result Expr
}

// CaseExpr is a simple (Operand set) or searched CASE.
type CaseExpr struct {
	Base
	Operand Expr
	Whens   []*WhenClause
	Else    Expr
}

// CastExpr is CAST(X AS Type) or TRY_CAST.
type CastExpr struct {
	Base
	X   Expr
	Typ *DataType
	Try bool
}

// ConvertExpr is CONVERT(Type, X [, Style]) or TRY_CONVERT.
type ConvertExpr struct {
	Base
	Typ   *DataType
	X     Expr
	Style Expr
	Try   bool
}

// ParseExpr is PARSE(X AS Type [USING Culture]) or TRY_PARSE.
type ParseExpr struct {
	Base
	X       Expr
	Typ     *DataType
	Culture Expr
	Try     bool
}

// TrimExpr is TRIM([LEADING|TRAILING|BOTH] [Chars] FROM X); a plain
// TRIM(x) is an ordinary FuncCall.
type TrimExpr struct {
	Base
	Where string // "", "LEADING", "TRAILING", "BOTH"
	Chars Expr
	X     Expr
}

// FuncCall is a call of a scalar, aggregate or window function by name.
// IIF, COALESCE, NULLIF, ISNULL, DATEADD and the rest are FuncCalls too; a
// datepart argument (DATEADD(day, ...)) arrives as a one-part ColumnRef.
type FuncCall struct {
	Base
	Name        *ObjectName // 1..3 parts; the built-ins have one
	Args        []Expr
	Star        bool // COUNT(*)
	Distinct    bool // COUNT(DISTINCT x)
	Niladic     bool // CURRENT_TIMESTAMP, CURRENT_USER, SESSION_USER, SYSTEM_USER, USER: no parentheses
	WithinGroup []*OrderItem
	Over        *Over
}

// Over is an OVER clause: OVER (PARTITION BY ... ORDER BY ... ROWS ...) or
// OVER name (a WINDOW clause's name).
type Over struct {
	Base
	Window      string // OVER w
	PartitionBy []Expr
	OrderBy     []*OrderItem
	Frame       *WindowFrame
}

// WindowFrame is ROWS|RANGE BETWEEN Start AND End (End nil for the short
// form, ROWS UNBOUNDED PRECEDING).
type WindowFrame struct {
	Base
	Range bool
	Start *FrameBound
	End   *FrameBound
}

// FrameBoundKind is one end of a window frame.
type FrameBoundKind uint8

// Window frame bounds.
const (
	UnboundedPreceding FrameBoundKind = iota + 1
	Preceding
	CurrentRow
	Following
	UnboundedFollowing
)

func (k FrameBoundKind) String() string {
	switch k {
	case UnboundedPreceding:
		return "UNBOUNDED PRECEDING"
	case Preceding:
		return "PRECEDING"
	case CurrentRow:
		return "CURRENT ROW"
	case Following:
		return "FOLLOWING"
	case UnboundedFollowing:
		return "UNBOUNDED FOLLOWING"
	}
	return "?"
}

// FrameBound is UNBOUNDED PRECEDING, n PRECEDING, CURRENT ROW, n FOLLOWING
// or UNBOUNDED FOLLOWING.
type FrameBound struct {
	Base
	Kind FrameBoundKind
	N    Expr
}

// CollateExpr is X COLLATE Collation.
type CollateExpr struct {
	Base
	X         Expr
	Collation string
}

// OdbcLiteral is an ODBC escape for a date or time constant: {d '...'},
// {t '...'}, {ts '...'}. ({fn f(x)} parses into a plain FuncCall.)
type OdbcLiteral struct {
	Base
	Kind  string // "d", "t" or "ts", lower case
	Value string
}

// MethodCall is a method of a value: the xml methods (x.value('.',
// 'nvarchar(max)'), @x.query(...), .exist, .nodes) and CLR type methods.
// X is the value: a variable, a subquery (the FOR XML PATH idiom), or any
// other operand.
type MethodCall struct {
	Base
	X      Expr
	Method string
	Args   []Expr
}

// UnsupportedExpr is a recognised expression form the emulator does not
// implement (NEXT VALUE FOR, a CLR or xml method call, ...). The engine
// answers Msg 40517 with Feature.
type UnsupportedExpr struct {
	Base
	Feature string
}

func (*Literal) exprNode()         {}
func (*Variable) exprNode()        {}
func (*GlobalVar) exprNode()       {}
func (*ColumnRef) exprNode()       {}
func (*Star) exprNode()            {}
func (*BareWord) exprNode()        {}
func (*DefaultExpr) exprNode()     {}
func (*UnaryExpr) exprNode()       {}
func (*BinaryExpr) exprNode()      {}
func (*IsNullExpr) exprNode()      {}
func (*IsDistinctExpr) exprNode()  {}
func (*LikeExpr) exprNode()        {}
func (*InExpr) exprNode()          {}
func (*BetweenExpr) exprNode()     {}
func (*ExistsExpr) exprNode()      {}
func (*QuantifiedExpr) exprNode()  {}
func (*SubqueryExpr) exprNode()    {}
func (*CaseExpr) exprNode()        {}
func (*CastExpr) exprNode()        {}
func (*ConvertExpr) exprNode()     {}
func (*ParseExpr) exprNode()       {}
func (*TrimExpr) exprNode()        {}
func (*FuncCall) exprNode()        {}
func (*CollateExpr) exprNode()     {}
func (*OdbcLiteral) exprNode()     {}
func (*MethodCall) exprNode()      {}
func (*UnsupportedExpr) exprNode() {}

// ---------------------------------------------------------------------------
// Queries

// Query is a full query expression.
type Query struct {
	Base
	With    []*CTE
	Body    QueryExpr
	OrderBy []*OrderItem
	Offset  Expr // OFFSET n ROWS
	Fetch   Expr // FETCH NEXT|FIRST m ROWS ONLY
	For     *ForClause
	Options []*QueryOption
}

// CTE is one common table expression of a WITH clause.
type CTE struct {
	Base
	Name    string
	Columns []string
	Query   *Query
}

// QuerySpec is one SELECT ... [INTO] [FROM] [WHERE] [GROUP BY] [HAVING].
type QuerySpec struct {
	Base
	Distinct    bool
	Top         *TopClause
	Items       []*SelectItem
	Into        *ObjectName // SELECT ... INTO #t
	From        []TableExpr // comma-separated items; joins nest inside
	Where       Expr
	GroupBy     []Expr
	GroupByAll  bool   // GROUP BY ALL
	GroupByWith string // "ROLLUP" or "CUBE" for GROUP BY ... WITH ROLLUP
	Having      Expr
	Windows     []*WindowDef // WINDOW w AS (...)
}

// WindowDef is a named window of a WINDOW clause.
type WindowDef struct {
	Base
	Name string
	Over *Over
}

// SetOp is a set operator.
type SetOp uint8

// Set operators.
const (
	Union SetOp = iota + 1
	UnionAll
	Except
	Intersect
)

func (o SetOp) String() string {
	switch o {
	case Union:
		return "UNION"
	case UnionAll:
		return "UNION ALL"
	case Except:
		return "EXCEPT"
	case Intersect:
		return "INTERSECT"
	}
	return "?"
}

// SetOpQuery is Left op Right. INTERSECT binds tighter than UNION and
// EXCEPT, which associate to the left.
type SetOpQuery struct {
	Base
	Op          SetOp
	Left, Right QueryExpr
}

// ParenQuery is a parenthesised query inside a set operation or FROM.
type ParenQuery struct {
	Base
	Query *Query
}

func (*QuerySpec) queryNode()  {}
func (*SetOpQuery) queryNode() {}
func (*ParenQuery) queryNode() {}

// TopClause is TOP (n) [PERCENT] [WITH TIES]; Paren tells TOP (n) from TOP n.
type TopClause struct {
	Base
	Count    Expr
	Percent  bool
	WithTies bool
	Paren    bool
}

// SelectItem is one item of a select list or OUTPUT clause.
//
//	expr            Expr
//	expr [AS] a     Expr, Alias
//	a = expr        Expr, Alias, AliasFirst
//	*, t.*          Expr is *Star
//	@v = expr       Var, AssignOp "=", Expr
//	@v += expr      Var, AssignOp "+=", Expr
type SelectItem struct {
	Base
	Expr       Expr
	Alias      string
	AliasFirst bool
	Var        *Variable
	AssignOp   string
}

// OrderItem is an ORDER BY key (also used for index and key column lists).
type OrderItem struct {
	Base
	Expr Expr
	Desc bool
}

// ForClause is FOR XML ... / FOR JSON ... / FOR BROWSE.
type ForClause struct {
	Base
	Kind        string // "XML", "JSON", "BROWSE"
	Mode        string // XML: "PATH", "RAW", "AUTO", "EXPLICIT"; JSON: "PATH", "AUTO"
	ElementName string // PATH('row'), RAW('row')
	HasElement  bool   // an element name was given (PATH('') gives none)
	Type        bool   // , TYPE
	Root        bool   // , ROOT or ROOT('x')
	RootName    string
	Elements    string // "", "ELEMENTS", "ELEMENTS XSINIL", "ELEMENTS ABSENT"
	Options     []string
}

// QueryOption is one hint of an OPTION (...) clause: RECOMPILE,
// MAXRECURSION 0, HASH GROUP, OPTIMIZE FOR UNKNOWN, ...
type QueryOption struct {
	Base
	Name  string // upper case, words joined by one space
	Value Expr   // MAXRECURSION n, MAXDOP n, FAST n; nil otherwise
}

// TableHint is a table hint: NOLOCK, INDEX(ix), FORCESEEK, ...
type TableHint struct {
	Base
	Name string // upper case
	Args []Expr
}

// TableRef is a named table, view, table variable or temp table in FROM or
// as a DML target.
type TableRef struct {
	Base
	Name        *ObjectName // nil for a table variable
	Var         *Variable
	Alias       string
	Hints       []*TableHint
	Unsupported string // a recognised clause we do not implement (FOR SYSTEM_TIME, TABLESAMPLE)
}

// DerivedTable is (query) [AS] alias [(columns)].
type DerivedTable struct {
	Base
	Query   *Query
	Alias   string
	Columns []string
}

// ValuesTable is (VALUES (...), (...)) [AS] alias [(columns)].
type ValuesTable struct {
	Base
	Rows    [][]Expr
	Alias   string
	Columns []string
}

// TableFuncRef is a table-valued function in FROM: STRING_SPLIT(@s, ','),
// OPENJSON(@j), dbo.f(1).
type TableFuncRef struct {
	Base
	Call    *FuncCall
	Alias   string
	Columns []string
	With    []*ColumnDef // OPENJSON(...) WITH (name type 'path', ...)
}

// OpenRowset is OPENROWSET(BULK 'file', SINGLE_BLOB) and its provider form
// (OPENROWSET('provider', 'conn', 'query')), which Args holds.
type OpenRowset struct {
	Base
	Bulk    bool
	File    Expr
	Options []string // SINGLE_BLOB, SINGLE_CLOB, SINGLE_NCLOB, or NAME=value as written
	Args    []Expr
	Alias   string
	Columns []string
}

// JoinKind is the kind of a JoinExpr.
type JoinKind uint8

// Join kinds.
const (
	InnerJoin JoinKind = iota + 1
	LeftJoin
	RightJoin
	FullJoin
	CrossJoin
	CrossApply
	OuterApply
)

func (k JoinKind) String() string {
	switch k {
	case InnerJoin:
		return "INNER JOIN"
	case LeftJoin:
		return "LEFT JOIN"
	case RightJoin:
		return "RIGHT JOIN"
	case FullJoin:
		return "FULL JOIN"
	case CrossJoin:
		return "CROSS JOIN"
	case CrossApply:
		return "CROSS APPLY"
	case OuterApply:
		return "OUTER APPLY"
	}
	return "?"
}

// JoinExpr is Left kind JOIN Right [ON On].
type JoinExpr struct {
	Base
	Kind        JoinKind
	Left, Right TableExpr
	On          Expr
	Hint        string // LOOP, HASH, MERGE, REMOTE
}

// PivotTable is Source PIVOT (Agg(x) FOR Column IN ([a], [b])) AS Alias.
type PivotTable struct {
	Base
	Source TableExpr
	Agg    *FuncCall
	For    *ColumnRef
	In     []string
	Alias  string
}

// UnpivotTable is Source UNPIVOT (Value FOR Column IN (a, b)) AS Alias.
type UnpivotTable struct {
	Base
	Source TableExpr
	Value  string
	For    string
	In     []string
	Alias  string
}

func (*TableRef) tableNode()     {}
func (*DerivedTable) tableNode() {}
func (*ValuesTable) tableNode()  {}
func (*TableFuncRef) tableNode() {}
func (*OpenRowset) tableNode()   {}
func (*JoinExpr) tableNode()     {}
func (*PivotTable) tableNode()   {}
func (*UnpivotTable) tableNode() {}

// ---------------------------------------------------------------------------
// Statements: variables and options

// VarDecl is one variable of a DECLARE.
type VarDecl struct {
	Base
	Name   string // with the @
	Typ    *DataType
	Table  *TableDef // DECLARE @t TABLE (...)
	Cursor bool      // DECLARE @c CURSOR
	Value  Expr      // the initialiser, if any
}

// DeclareStmt is DECLARE @a int = 1, @t TABLE (...), @c CURSOR.
type DeclareStmt struct {
	StmtBase
	Vars []*VarDecl
}

// DeclareCursorStmt is DECLARE name CURSOR [options] FOR query [FOR UPDATE
// [OF cols]] (and the ISO form DECLARE name [INSENSITIVE] [SCROLL] CURSOR).
type DeclareCursorStmt struct {
	StmtBase
	Name          string
	Options       []string // upper case: LOCAL, GLOBAL, FORWARD_ONLY, SCROLL, STATIC, KEYSET, DYNAMIC, FAST_FORWARD, READ_ONLY, SCROLL_LOCKS, OPTIMISTIC, TYPE_WARNING, INSENSITIVE
	Query         *Query
	ForUpdate     bool
	UpdateColumns []string
	ReadOnly      bool // FOR READ ONLY (ISO form)
}

// SetVarStmt is SET @v = expr, or a compound SET @v += expr.
type SetVarStmt struct {
	StmtBase
	Var   *Variable
	Op    string // "=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^="
	Value Expr
}

// Toggle is the ON or OFF of a SET option.
type Toggle uint8

// Toggles.
const (
	ToggleNone Toggle = iota
	ToggleOn
	ToggleOff
)

func (t Toggle) String() string {
	switch t {
	case ToggleOn:
		return "ON"
	case ToggleOff:
		return "OFF"
	}
	return ""
}

// SetOptionStmt is a SET of session options:
//
//	SET NOCOUNT ON                          Options [NOCOUNT], Toggle On
//	SET ANSI_NULLS, QUOTED_IDENTIFIER OFF   Options [ANSI_NULLS QUOTED_IDENTIFIER]
//	SET STATISTICS IO, TIME ON              Options [STATISTICS IO, STATISTICS TIME]
//	SET DATEFIRST 7                         Value *Literal
//	SET DATEFORMAT dmy                      Value *BareWord (or a string, or a variable)
//	SET TRANSACTION ISOLATION LEVEL READ COMMITTED   Options [TRANSACTION ISOLATION LEVEL], Value *BareWord "READ COMMITTED"
//	SET DEADLOCK_PRIORITY LOW               Value *BareWord "LOW" (or a number or variable)
//	SET IDENTITY_INSERT dbo.t ON            Options [IDENTITY_INSERT], Table, Toggle On
type SetOptionStmt struct {
	StmtBase
	Options []string
	Toggle  Toggle
	Value   Expr
	Table   *ObjectName
}

// ---------------------------------------------------------------------------
// Statements: flow of control

// PrintStmt is PRINT expr.
type PrintStmt struct {
	StmtBase
	X Expr
}

// BlockStmt is BEGIN ... END.
type BlockStmt struct {
	StmtBase
	Body []Stmt
}

// IfStmt is IF cond stmt [ELSE stmt].
type IfStmt struct {
	StmtBase
	Cond Expr
	Then Stmt
	Else Stmt
}

// WhileStmt is WHILE cond stmt.
type WhileStmt struct {
	StmtBase
	Cond Expr
	Body Stmt
}

// BreakStmt is BREAK.
type BreakStmt struct{ StmtBase }

// ContinueStmt is CONTINUE.
type ContinueStmt struct{ StmtBase }

// GotoStmt is GOTO label.
type GotoStmt struct {
	StmtBase
	Label string
}

// LabelStmt is label:.
type LabelStmt struct {
	StmtBase
	Name string
}

// ReturnStmt is RETURN [expr].
type ReturnStmt struct {
	StmtBase
	Value Expr
}

// WaitForStmt is WAITFOR DELAY expr or WAITFOR TIME expr.
type WaitForStmt struct {
	StmtBase
	Time  bool // TIME; false for DELAY
	Value Expr
}

// TryCatchStmt is BEGIN TRY ... END TRY BEGIN CATCH ... END CATCH.
type TryCatchStmt struct {
	StmtBase
	Try   []Stmt
	Catch []Stmt
}

// ThrowStmt is THROW number, message, state; all nil for a bare THROW (a
// re-throw inside CATCH).
type ThrowStmt struct {
	StmtBase
	Number, Message, State Expr
}

// RaiserrorStmt is RAISERROR(msg, severity, state [, args]) [WITH ...].
type RaiserrorStmt struct {
	StmtBase
	Message  Expr // a number (msg id), a string or a variable
	Severity Expr
	State    Expr
	Args     []Expr
	Log      bool
	NoWait   bool
	SetError bool
}

// ---------------------------------------------------------------------------
// Statements: procedures

// ExecArg is one argument of an EXEC: [@name =] value [OUTPUT].
type ExecArg struct {
	Base
	Name   string // "@p" for a named argument, "" for a positional one
	Value  Expr   // *Literal, *Variable, *GlobalVar, *BareWord, *DefaultExpr (or a negated number)
	Output bool   // OUTPUT or OUT
}

// ExecStmt is EXEC[UTE] [@rc =] proc args, or a bare procedure call as the
// first statement of a batch (Implicit). Exactly one of Proc and ProcVar is
// set.
type ExecStmt struct {
	StmtBase
	Implicit     bool
	ReturnStatus *Variable
	Proc         *ObjectName
	ProcNumber   int       // proc;2
	ProcVar      *Variable // EXEC @name
	Args         []*ExecArg
	Recompile    bool // WITH RECOMPILE
}

// ExecStringStmt is EXEC[UTE] (string-expr [+ ...]) [AS LOGIN|USER = 'x'].
type ExecStringStmt struct {
	StmtBase
	Parts  []Expr // strings and variables, concatenated with +
	AsKind string // "", "LOGIN", "USER"
	AsName Expr
}

// ProcParam is one parameter of CREATE PROCEDURE.
type ProcParam struct {
	Base
	Name     string // with the @
	Typ      *DataType
	Varying  bool
	Default  Expr // a constant, NULL or a *BareWord; nil when required
	Output   bool
	ReadOnly bool
}

// CreateProcedureStmt is CREATE, ALTER or CREATE OR ALTER PROCEDURE. Its
// body runs to the end of the batch. The statement's text (Batch.Text) is
// the definition; lines in Body are batch lines, which is also how SQL
// Server numbers lines in a module.
type CreateProcedureStmt struct {
	StmtBase
	Alter          bool // ALTER PROCEDURE
	OrAlter        bool // CREATE OR ALTER PROCEDURE
	Name           *ObjectName
	Number         int // name;n
	Params         []*ProcParam
	Options        []string // upper case: RECOMPILE, ENCRYPTION, NATIVE_COMPILATION, SCHEMABINDING
	ExecuteAs      string   // "CALLER", "SELF", "OWNER" or the user name; "" when absent
	ForReplication bool
	BodyPos        Pos // the first token after AS
	Body           []Stmt
}

// ---------------------------------------------------------------------------
// Statements: queries and DML

// SelectStmt is a query run as a statement (including SELECT @v = ...
// assignments and SELECT ... INTO).
type SelectStmt struct {
	StmtBase
	Query *Query
}

// OutputClause is OUTPUT items [INTO target [(columns)]].
type OutputClause struct {
	Base
	Items       []*SelectItem
	Into        *TableRef
	IntoColumns []string
}

// InsertStmt is INSERT [INTO] target [(columns)] [OUTPUT ...] source, the
// source being exactly one of Values, Query, Exec and DefaultValues.
type InsertStmt struct {
	StmtBase
	With          []*CTE
	Top           *TopClause
	Target        *TableRef
	Columns       []string
	Output        []*OutputClause
	Values        [][]Expr
	Query         *Query
	Exec          Stmt // *ExecStmt or *ExecStringStmt
	DefaultValues bool
	Options       []*QueryOption
}

// SetItem is one assignment of UPDATE ... SET: c = e, @v = e, @v = c = e,
// c += e.
type SetItem struct {
	Base
	Column *ColumnRef
	Var    *Variable
	Op     string // "=", "+=", ...
	Value  Expr
}

// UpdateStmt is UPDATE target SET ... [OUTPUT] [FROM ...] [WHERE ...].
type UpdateStmt struct {
	StmtBase
	With      []*CTE
	Top       *TopClause
	Target    *TableRef
	Set       []*SetItem
	Output    []*OutputClause
	From      []TableExpr
	Where     Expr
	CurrentOf *CursorRef
	Options   []*QueryOption
}

// DeleteStmt is DELETE [FROM] target [OUTPUT] [FROM ...] [WHERE ...].
type DeleteStmt struct {
	StmtBase
	With      []*CTE
	Top       *TopClause
	Target    *TableRef
	Output    []*OutputClause
	From      []TableExpr
	Where     Expr
	CurrentOf *CursorRef
	Options   []*QueryOption
}

// NullSpec says whether a column was declared NULL or NOT NULL.
type NullSpec uint8

// Column nullability as written.
const (
	NullUnspecified NullSpec = iota
	Nullable
	NotNull
)

func (n NullSpec) String() string {
	switch n {
	case Nullable:
		return "NULL"
	case NotNull:
		return "NOT NULL"
	}
	return ""
}

// IdentitySpec is IDENTITY [(seed, increment)].
type IdentitySpec struct {
	Base
	Seed, Increment Expr // nil when not written (1, 1)
}

// ConstraintKind is the kind of a column or table constraint.
type ConstraintKind uint8

// Constraint kinds.
const (
	PrimaryKey ConstraintKind = iota + 1
	UniqueKey
	CheckConstraint
	ForeignKey
	DefaultConstraint
)

func (k ConstraintKind) String() string {
	switch k {
	case PrimaryKey:
		return "PRIMARY KEY"
	case UniqueKey:
		return "UNIQUE"
	case CheckConstraint:
		return "CHECK"
	case ForeignKey:
		return "FOREIGN KEY"
	case DefaultConstraint:
		return "DEFAULT"
	}
	return "?"
}

// Constraint is a PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY or DEFAULT
// constraint, on a column or on the table.
type Constraint struct {
	Base
	Name       string // CONSTRAINT name; "" when unnamed
	Kind       ConstraintKind
	Clustered  string // "", "CLUSTERED", "NONCLUSTERED"
	Columns    []*OrderItem
	Check      Expr
	Default    Expr
	RefTable   *ObjectName
	RefColumns []string
	OnDelete   string // "NO ACTION", "CASCADE", "SET NULL", "SET DEFAULT"
	OnUpdate   string
}

// ColumnDef is a column of CREATE TABLE or a table variable.
type ColumnDef struct {
	Base
	Name        string
	Typ         *DataType // nil for a computed column
	Computed    Expr      // AS expr
	Persisted   bool
	Collation   string
	Null        NullSpec
	Identity    *IdentitySpec
	Default     Expr
	DefaultName string // CONSTRAINT name DEFAULT ...
	RowGuidCol  bool
	Sparse      bool
	Constraints []*Constraint // PRIMARY KEY, UNIQUE, CHECK, REFERENCES on the column
	Path        string        // OPENJSON WITH (... 'path')
	AsJSON      bool          // OPENJSON WITH (... AS JSON)
}

// IndexDef is an inline INDEX of CREATE TABLE or a table variable.
type IndexDef struct {
	Base
	Name      string
	Unique    bool
	Clustered string
	Columns   []*OrderItem
}

// TableDef is the body of CREATE TABLE or DECLARE @t TABLE.
type TableDef struct {
	Base
	Columns     []*ColumnDef
	Constraints []*Constraint
	Indexes     []*IndexDef
}

// CreateTableStmt is CREATE TABLE name (...).
type CreateTableStmt struct {
	StmtBase
	Name *ObjectName
	Def  *TableDef
}

// TruncateTableStmt is TRUNCATE TABLE name.
type TruncateTableStmt struct {
	StmtBase
	Name *ObjectName
}

// DropStmt is DROP kind [IF EXISTS] name, name...; Kind is upper case:
// "TABLE", "PROCEDURE", "VIEW", "FUNCTION", "LOGIN", "USER", "ROLE",
// "SERVER ROLE", "SCHEMA", "SYNONYM", "TYPE", "SEQUENCE", "TRIGGER",
// "DATABASE". (DROP PROC is "PROCEDURE".)
type DropStmt struct {
	StmtBase
	Kind     string
	IfExists bool
	Names    []*ObjectName
}

// ---------------------------------------------------------------------------
// Statements: cursors

// CursorRef names a cursor: [GLOBAL] name, or a cursor variable.
type CursorRef struct {
	Base
	Name   string
	Global bool
	Var    *Variable
}

// OpenCursorStmt is OPEN cursor.
type OpenCursorStmt struct {
	StmtBase
	Cursor *CursorRef
}

// FetchStmt is FETCH [orientation [FROM]] cursor [INTO @a, @b].
type FetchStmt struct {
	StmtBase
	Orientation string // "NEXT" (also when omitted), "PRIOR", "FIRST", "LAST", "ABSOLUTE", "RELATIVE"
	Offset      Expr   // ABSOLUTE n, RELATIVE n
	Cursor      *CursorRef
	Into        []*Variable
}

// CloseCursorStmt is CLOSE cursor.
type CloseCursorStmt struct {
	StmtBase
	Cursor *CursorRef
}

// DeallocateCursorStmt is DEALLOCATE cursor.
type DeallocateCursorStmt struct {
	StmtBase
	Cursor *CursorRef
}

// ---------------------------------------------------------------------------
// Statements: session

// UseStmt is USE database.
type UseStmt struct {
	StmtBase
	Database string
}

// BeginTranStmt is BEGIN [DISTRIBUTED] TRAN[SACTION] [name [WITH MARK ['d']]].
type BeginTranStmt struct {
	StmtBase
	Distributed bool
	Name        Expr // *BareWord or *Variable; nil when unnamed
	Mark        bool
	MarkDesc    Expr
}

// CommitTranStmt is COMMIT [TRAN[SACTION] [name]] or COMMIT WORK.
type CommitTranStmt struct {
	StmtBase
	Work bool
	Name Expr
	// DelayedDurability is "ON" or "OFF" for WITH (DELAYED_DURABILITY = x).
	DelayedDurability string
}

// RollbackTranStmt is ROLLBACK [TRAN[SACTION] [name]] or ROLLBACK WORK.
type RollbackTranStmt struct {
	StmtBase
	Work bool
	Name Expr
}

// SaveTranStmt is SAVE TRAN[SACTION] name.
type SaveTranStmt struct {
	StmtBase
	Name Expr
}

// ExecuteAsStmt is EXECUTE AS LOGIN|USER = 'name' [WITH NO REVERT | COOKIE
// INTO @v], or EXECUTE AS CALLER|SELF|OWNER.
type ExecuteAsStmt struct {
	StmtBase
	Kind     string // "LOGIN", "USER", "CALLER", "SELF", "OWNER"
	Name     Expr
	NoRevert bool
	Cookie   *Variable
}

// RevertStmt is REVERT [WITH COOKIE = @v].
type RevertStmt struct {
	StmtBase
	Cookie Expr
}

// ---------------------------------------------------------------------------
// Statements: security

// PrincipalOption is one NAME = value of a login or user statement, or a
// flag such as HASHED, MUST_CHANGE, UNLOCK (Value nil).
type PrincipalOption struct {
	Base
	Name  string // upper case: PASSWORD, DEFAULT_DATABASE, CHECK_POLICY, ...
	Value Expr   // a string, a *BareWord (ON, OFF, a name), a binary
	Flags []string
}

// CreateLoginStmt is CREATE LOGIN name WITH PASSWORD = '...' [, ...] or
// CREATE LOGIN [DOMAIN\name] FROM WINDOWS [WITH ...].
type CreateLoginStmt struct {
	StmtBase
	Name        string
	FromWindows bool
	Options     []*PrincipalOption
}

// AlterLoginStmt is ALTER LOGIN name ENABLE|DISABLE or ALTER LOGIN name
// WITH option, ...
type AlterLoginStmt struct {
	StmtBase
	Name    string
	Enable  bool
	Disable bool
	Options []*PrincipalOption
}

// CreateUserStmt is CREATE USER name [FOR|FROM LOGIN login | WITHOUT LOGIN]
// [WITH DEFAULT_SCHEMA = s, ...].
type CreateUserStmt struct {
	StmtBase
	Name         string
	Login        string
	WithoutLogin bool
	Options      []*PrincipalOption
}

// AlterUserStmt is ALTER USER name WITH option, ...
type AlterUserStmt struct {
	StmtBase
	Name    string
	Options []*PrincipalOption
}

// CreateRoleStmt is CREATE [SERVER] ROLE name [AUTHORIZATION owner].
type CreateRoleStmt struct {
	StmtBase
	Server        bool
	Name          string
	Authorization string
}

// AlterRoleStmt is ALTER [SERVER] ROLE role ADD|DROP MEMBER m, or WITH
// NAME = new.
type AlterRoleStmt struct {
	StmtBase
	Server bool
	Role   string
	Action string // "ADD MEMBER", "DROP MEMBER", "RENAME"
	Member string // the member, or the new name for RENAME
}

// PermissionStmt is GRANT, DENY or REVOKE.
type PermissionStmt struct {
	StmtBase
	Action         string   // "GRANT", "DENY", "REVOKE"
	Permissions    []string // upper case, words joined by one space: "EXECUTE", "VIEW DEFINITION", "ALL"
	Class          string   // "OBJECT", "SCHEMA", "DATABASE", "LOGIN", ...; "" when no class:: was written
	On             *ObjectName
	Principals     []string
	GrantOption    bool // WITH GRANT OPTION
	GrantOptionFor bool // REVOKE GRANT OPTION FOR
	Cascade        bool
	As             string
}

// ---------------------------------------------------------------------------
// Unsupported

// Unsupported is a statement we recognise and do not implement. Feature
// names it as SQL Server's message would ("MERGE", "CREATE FUNCTION",
// "BULK INSERT"); Option marks a statement option rather than a statement
// (Msg 40517 rather than 40510).
type Unsupported struct {
	StmtBase
	Feature string
	Option  bool
}
