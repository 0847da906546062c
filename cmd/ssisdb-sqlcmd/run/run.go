// Package run sends a script to a server the way the sqlcmd tool does: it
// splits the script on GO lines (with :setvar and $(var) substitution, see
// procs/sqlcmd), sends each batch on one connection, prints result sets,
// row counts, PRINT output and errors in sqlcmd's format, and decides the
// exit code by sqlcmd's rules (-b, -V). The modern sqlcmd is not available
// on every machine; this reproduces what scripts and CI jobs depend on.
package run

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/golang-sql/sqlexp"
	mssql "github.com/microsoft/go-mssqldb"

	"github.com/ssisdb-emulator/ssisdb-emulator/procs/sqlcmd"
)

// Options are sqlcmd's switches that change how a script runs.
type Options struct {
	// ExitOnError is -b: stop at the first error of severity 11 or more
	// and exit with 1.
	ExitOnError bool
	// ErrorLevel is -V: errors of this severity or more set the exit code
	// to the highest severity seen (0 means the default, 11 with -b).
	ErrorLevel int
	// Vars are -v NAME=value scripting variables.
	Vars map[string]string
	// Timeout bounds each batch (0: none).
	Timeout time.Duration
}

// Result is what running a script produced.
type Result struct {
	ExitCode int
	Errors   []mssql.Error // every server error, in order
}

// Script runs script on conn, writing sqlcmd-style output to out. A
// problem of the script itself (a bad :setvar, an unknown variable) is
// reported on out as sqlcmd does and gives exit code 1; err is only for
// failures of the connection.
func Script(ctx context.Context, conn *sql.Conn, script string, out io.Writer, opt Options) (Result, error) {
	var res Result
	batches, err := sqlcmd.Split(script, sqlcmd.Options{Vars: opt.Vars})
	if err != nil {
		fmt.Fprintln(out, err.Error())
		res.ExitCode = 1
		return res, nil
	}
	level := opt.ErrorLevel
	if level == 0 {
		level = 11
	}
	maxSeverity := 0
	for _, b := range batches {
		for rep := 0; rep < b.Repeat; rep++ {
			errs, err := Batch(ctx, conn, b.Text, out, opt.Timeout)
			if err != nil {
				return res, err
			}
			res.Errors = append(res.Errors, errs...)
			for _, e := range errs {
				if int(e.Class) < level {
					continue
				}
				if int(e.Class) > maxSeverity {
					maxSeverity = int(e.Class)
				}
				if opt.ExitOnError || b.ExitOnError {
					res.ExitCode = 1
					if opt.ErrorLevel > 0 {
						res.ExitCode = maxSeverity
					}
					return res, nil
				}
			}
		}
	}
	if opt.ErrorLevel > 0 {
		res.ExitCode = maxSeverity
	}
	return res, nil
}

// Batch sends one batch and prints what comes back, in arrival order. It
// returns the server errors; err is for a broken connection.
func Batch(ctx context.Context, conn *sql.Conn, text string, out io.Writer, timeout time.Duration) ([]mssql.Error, error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	var errs []mssql.Error
	retmsg := &sqlexp.ReturnMessage{}
	rows, err := conn.QueryContext(ctx, text, retmsg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for active := true; active; {
		switch m := retmsg.Message(ctx).(type) {
		case sqlexp.MsgNotice:
			fmt.Fprintln(out, formatNotice(m.Message))
		case sqlexp.MsgError:
			var me mssql.Error
			if errors.As(m.Error, &me) {
				errs = append(errs, me)
				fmt.Fprintln(out, FormatError(me))
				continue
			}
			return errs, m.Error
		case sqlexp.MsgRowsAffected:
			if m.Count == 1 {
				fmt.Fprintln(out, "(1 row affected)")
			} else {
				fmt.Fprintf(out, "(%d rows affected)\n", m.Count)
			}
		case sqlexp.MsgNext:
			if err := printRows(rows, out); err != nil {
				return errs, err
			}
		case sqlexp.MsgNextResultSet:
			active = rows.NextResultSet()
		}
	}
	if err := ctx.Err(); err != nil {
		return errs, err
	}
	return errs, nil
}

func formatNotice(s fmt.Stringer) string {
	var me mssql.Error
	if e, ok := s.(mssql.Error); ok {
		me = e
	} else {
		return s.String()
	}
	// PRINT and other messages of severity 0 print as bare text; other
	// informational messages (RAISERROR with severity 1-10) too, as sqlcmd
	// does.
	return me.Message
}

// FormatError renders a server error as sqlcmd prints it.
func FormatError(e mssql.Error) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Msg %d, Level %d, State %d, Server %s, ", e.Number, e.Class, e.State, e.ServerName)
	if e.ProcName != "" {
		fmt.Fprintf(&b, "Procedure %s, ", e.ProcName)
	}
	fmt.Fprintf(&b, "Line %d\n%s", e.LineNo, e.Message)
	return b.String()
}

func printRows(rows *sql.Rows, out io.Writer) error {
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	types, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var table [][]string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		line := make([]string, len(cols))
		for i, v := range vals {
			line[i] = FormatValue(types[i].DatabaseTypeName(), v)
		}
		table = append(table, line)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	widths := make([]int, len(cols))
	for i, c := range cols {
		widths[i] = len(c)
	}
	for _, r := range table {
		for i, v := range r {
			if len(v) > widths[i] {
				widths[i] = len(v)
			}
		}
	}
	writeLine := func(cells []string) {
		var b strings.Builder
		for i, c := range cells {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(c)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-len(c)))
			}
		}
		fmt.Fprintln(out, strings.TrimRight(b.String(), " "))
	}
	writeLine(cols)
	dashes := make([]string, len(cols))
	for i := range cols {
		dashes[i] = strings.Repeat("-", max(widths[i], 1))
	}
	writeLine(dashes)
	for _, r := range table {
		writeLine(r)
	}
	fmt.Fprintln(out)
	return nil
}

// FormatValue renders one value of a column of SQL Server type typeName
// (as database/sql's ColumnType.DatabaseTypeName gives it) the way sqlcmd
// shows it: NULL, 1/0 for bit, decimal and money as their digits,
// upper-case GUIDs, binary as 0x..., date and time types at their own
// precision.
func FormatValue(typeName string, v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case bool:
		if x {
			return "1"
		}
		return "0"
	case []byte:
		switch typeName {
		case "DECIMAL", "NUMERIC", "MONEY", "SMALLMONEY":
			// go-mssqldb hands exact numbers over as their text.
			return string(x)
		case "UNIQUEIDENTIFIER":
			var u mssql.UniqueIdentifier
			if err := u.Scan(x); err == nil {
				return u.String()
			}
		}
		return fmt.Sprintf("0x%X", x)
	case time.Time:
		switch typeName {
		case "DATE":
			return x.Format("2006-01-02")
		case "TIME":
			return x.Format("15:04:05.0000000")
		case "DATETIME2":
			return x.Format("2006-01-02 15:04:05.0000000")
		case "SMALLDATETIME":
			return x.Format("2006-01-02 15:04:05")
		case "DATETIMEOFFSET":
			return x.Format("2006-01-02 15:04:05.0000000 -07:00")
		}
		return x.Format("2006-01-02 15:04:05.000")
	case string:
		return x
	}
	return fmt.Sprint(v)
}
