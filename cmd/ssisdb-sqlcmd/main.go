// Command ssisdb-sqlcmd runs T-SQL scripts against a SQL Server (or the
// emulator) the way sqlcmd does, for machines where sqlcmd is not
// installed: GO batches (GO n), :setvar and $(var), -v, -b and -V exit
// codes, and sqlcmd's output format.
//
//	ssisdb-sqlcmd -S 127.0.0.1,1433 -U sa -P 'yourStrong(!)Password' -i deploy.sql
//	ssisdb-sqlcmd -S 127.0.0.1 -U sa -P ... -Q "SELECT * FROM SSISDB.catalog.executions"
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"time"

	_ "github.com/microsoft/go-mssqldb"

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-sqlcmd/run"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(sqlcmd(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func sqlcmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ssisdb-sqlcmd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		server   = fs.String("S", "127.0.0.1", "server: host, host,port or host:port")
		user     = fs.String("U", "sa", "login name")
		password = fs.String("P", os.Getenv("SQLCMDPASSWORD"), "password (default $SQLCMDPASSWORD)")
		database = fs.String("d", "", "database to use")
		query    = fs.String("Q", "", "run this query and exit")
		exitErr  = fs.Bool("b", false, "on error, stop and exit with 1")
		level    = fs.Int("V", 0, "errors of at least this severity set the exit code")
		encrypt  = fs.String("N", "", "encryption: true/m, false/o, strict/s, disable (default: the driver's)")
		trust    = fs.Bool("C", false, "trust the server certificate")
		timeout  = fs.Int("t", 0, "query timeout in seconds (0: none)")
		inputs   multi
		vars     multi
	)
	fs.Var(&inputs, "i", "input file (repeatable; default stdin)")
	fs.Var(&vars, "v", "scripting variable NAME=value (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 1
	}
	host, port := splitServer(*server)
	q := url.Values{}
	if *database != "" {
		q.Set("database", *database)
	}
	switch strings.ToLower(*encrypt) {
	case "":
	case "true", "m", "mandatory", "yes", "1":
		q.Set("encrypt", "true")
	case "false", "o", "optional", "no", "0":
		q.Set("encrypt", "false")
	case "strict", "s":
		q.Set("encrypt", "strict")
	case "disable":
		q.Set("encrypt", "disable")
	default:
		fmt.Fprintf(stderr, "Sqlcmd: '-N %s': Unexpected argument.\n", *encrypt)
		return 1
	}
	if *trust {
		q.Set("TrustServerCertificate", "true")
	}
	q.Set("app name", "ssisdb-sqlcmd")
	u := url.URL{Scheme: "sqlserver", User: url.UserPassword(*user, *password), Host: host + ":" + port, RawQuery: q.Encode()}
	db, err := sql.Open("sqlserver", u.String())
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "Sqlcmd: Error: %v\n", err)
		return 1
	}
	defer conn.Close()

	opt := run.Options{ExitOnError: *exitErr, ErrorLevel: *level, Vars: map[string]string{}, Timeout: time.Duration(*timeout) * time.Second}
	for _, v := range vars {
		name, val, ok := strings.Cut(v, "=")
		if !ok {
			fmt.Fprintf(stderr, "Sqlcmd: '-v %s': Invalid argument. Enter NAME=value.\n", v)
			return 1
		}
		opt.Vars[name] = strings.Trim(val, `"`)
	}
	var scripts []string
	switch {
	case *query != "":
		scripts = []string{*query}
	case len(inputs) > 0:
		for _, f := range inputs {
			b, err := os.ReadFile(f)
			if err != nil {
				fmt.Fprintf(stderr, "Sqlcmd: Error: %v\n", err)
				return 1
			}
			scripts = append(scripts, string(b))
		}
	default:
		b, err := io.ReadAll(stdin)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		scripts = []string{string(b)}
	}
	code := 0
	for _, s := range scripts {
		res, err := run.Script(ctx, conn, s, stdout, opt)
		if err != nil {
			fmt.Fprintf(stderr, "Sqlcmd: Error: %v\n", err)
			return 1
		}
		if res.ExitCode != 0 {
			code = res.ExitCode
			if *exitErr {
				return code
			}
		}
	}
	return code
}

// splitServer reads sqlcmd's server forms: host, host,port, host:port and
// tcp:host,port.
func splitServer(s string) (host, port string) {
	s = strings.TrimPrefix(s, "tcp:")
	port = "1433"
	if h, p, ok := strings.Cut(s, ","); ok {
		return h, p
	}
	if i := strings.LastIndexByte(s, ':'); i > 0 && !strings.Contains(s[:i], ":") {
		return s[:i], s[i+1:]
	}
	return s, port
}
