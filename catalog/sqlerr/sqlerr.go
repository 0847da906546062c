// Package sqlerr is the one error type of the emulator: a SQL Server error
// with its number, severity (class), state, text, procedure and line, created
// with its number where the failure happens. The wire turns it into an ERROR
// or INFO token; the engine decides from its number what it terminates.
package sqlerr

import (
	"errors"
	"fmt"
)

// Error is a SQL Server error or informational message.
type Error struct {
	Number    int32
	Severity  uint8 // class; 10 or less is informational
	State     uint8
	Message   string
	Procedure string // the module that raised it, if any
	Line      int32  // 1-based line in the batch or module; 0 when not known
}

func (e *Error) Error() string {
	return fmt.Sprintf("Msg %d, Level %d, State %d: %s", e.Number, e.Severity, e.State, e.Message)
}

// New returns an error with a message built from format and args, fmt-style.
func New(number int32, severity, state uint8, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Number: number, Severity: severity, State: state, Message: msg}
}

// As returns the *Error in err's chain, if there is one.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// WithProc returns a copy of e that names the procedure and line.
func (e *Error) WithProc(proc string, line int32) *Error {
	c := *e
	c.Procedure = proc
	c.Line = line
	return &c
}

// IsInfo reports whether e travels as an informational message.
func (e *Error) IsInfo() bool { return e.Severity <= 10 }
