package tsql

import (
	"strings"
	"unicode/utf8"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// Errors is what Parse returns when a batch does not compile: the errors in
// the order SQL Server sends them. It is never empty.
type Errors []*sqlerr.Error

func (e Errors) Error() string {
	var b strings.Builder
	for i, x := range e {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(x.Error())
	}
	return b.String()
}

// Unwrap lets errors.As and sqlerr.As find the first error.
func (e Errors) Unwrap() []error {
	out := make([]error, len(e))
	for i, x := range e {
		out[i] = x
	}
	return out
}

// Compile-error numbers the parser raises.
const (
	ErrSyntax             = 102   // Incorrect syntax near '%.*ls'.
	ErrSyntaxIdentTooLong = 103   // The identifier that starts with '%.*ls' is too long. Maximum length is 128.
	ErrUnclosedQuote      = 105   // Unclosed quotation mark after the character string '%.*ls'.
	ErrFirstInBatch       = 111   // '%ls' must be the first statement in a query batch.
	ErrMissingEndComment  = 113   // Missing end comment mark '*/'.
	ErrLabelDeclared      = 132   // The label '%.*ls' has already been declared. ...
	ErrLabelMissing       = 133   // A GOTO statement references the label '%.*ls' but the label has not been declared.
	ErrBreakOutside       = 135   // Cannot use a BREAK statement outside the scope of a WHILE statement.
	ErrContinueOutside    = 136   // Cannot use a CONTINUE statement outside the scope of a WHILE statement.
	ErrSyntaxKeyword      = 156   // Incorrect syntax near the keyword '%.*ls'.
	ErrNestedTooDeeply    = 191   // Some part of your SQL statement is nested too deeply. ...
	ErrCTENeedsSemicolon  = 319   // Incorrect syntax near the keyword 'with'. If this statement is a common table expression, ...
	ErrUnknownSetOption   = 195   // '%.*ls' is not a recognized SET option.
	ErrNonBoolean         = 4145  // An expression of non-boolean type specified in a context where a condition is expected, near '%.*ls'.
	ErrRethrowOutside     = 10704 // To rethrow an error, a THROW statement must be used inside a CATCH block. ...
	ErrUnsupportedStmt    = 40510 // Statement '%s' is not supported in this version of SQL Server.
	ErrUnsupportedOption  = 40517 // Keyword or statement option '%s' is not supported in this version of SQL Server.
)

// maxMessage is the longest message text SQL Server sends; longer texts
// are cut and end with "...".
const maxMessage = 2047

func compileErr(number int32, state uint8, line int, msg string) *sqlerr.Error {
	if utf8.RuneCountInString(msg) > maxMessage {
		msg = cutRunes(msg, maxMessage-3) + "..."
	}
	e := sqlerr.New(number, 15, state, "%s", msg)
	e.Line = int32(line)
	return e
}

func cutRunes(s string, n int) string {
	i := 0
	for k := range s {
		if i == n {
			return s[:k]
		}
		i++
	}
	return s
}

// Err is the error the engine sends for an unsupported statement: Msg
// 40510 (or 40517 for an option), severity 16, state 1, at the statement's
// line.
func (u *Unsupported) Err() *sqlerr.Error {
	var e *sqlerr.Error
	if u.Option {
		e = sqlerr.New(ErrUnsupportedOption, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", u.Feature)
	} else {
		e = sqlerr.New(ErrUnsupportedStmt, 16, 1, "Statement '%s' is not supported in this version of SQL Server.", u.Feature)
	}
	e.Line = int32(u.Pos.Line)
	return e
}

// Err is the error the engine sends for an unsupported expression form:
// Msg 40517, severity 16, state 1.
func (u *UnsupportedExpr) Err() *sqlerr.Error {
	e := sqlerr.New(ErrUnsupportedOption, 16, 1, "Keyword or statement option '%s' is not supported in this version of SQL Server.", u.Feature)
	e.Line = int32(u.Pos.Line)
	return e
}
