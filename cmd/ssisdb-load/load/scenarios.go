package load

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/microsoft/go-mssqldb/batch"
)

// Scenario names, as the -scenario flag takes them.
const (
	ScenarioDoc    = "doc"    // the Scale Out documentation's example batch, both GO batches
	ScenarioSync   = "sync"   // create, SYNCHRONIZED = 1, start: the call returns when the run has ended
	ScenarioPoll   = "poll"   // create and start, then poll catalog.executions until the status is final
	ScenarioRPC    = "rpc"    // create/set/start as RPCs by name with an OUTPUT parameter
	ScenarioReport = "report" // one query of a reporting mix over the catalog views
	ScenarioMix    = "mix"    // a weighted mix of all the above
)

// Scenarios lists the names Run accepts.
var Scenarios = []string{ScenarioDoc, ScenarioSync, ScenarioPoll, ScenarioRPC, ScenarioReport, ScenarioMix}

// mixWeights is how often each scenario runs in the mix, out of their sum:
// mostly what CI jobs do (start runs by RPC or script), with dashboards
// and pollers alongside.
var mixWeights = []struct {
	name   string
	weight int
}{{ScenarioRPC, 3}, {ScenarioDoc, 2}, {ScenarioSync, 2}, {ScenarioReport, 2}, {ScenarioPoll, 1}}

// DocExample is testdata/scripts/scaleout-doc-example.sql: the batch the
// SSIS Scale Out documentation shows for running two packages (a test keeps
// the copy equal to the file).
const DocExample = `Declare @execution_id bigint
EXEC [SSISDB].[catalog].[create_execution] @package_name=N'package1.dtsx', @execution_id=@execution_id OUTPUT, @folder_name=N'folder1', @project_name=N'project1', @use32bitruntime=False, @reference_id=Null, @useanyworker=False, @runincluster=True
Select @execution_id
DECLARE @var0 smallint = 1
EXEC [SSISDB].[catalog].[set_execution_parameter_value] @execution_id,  @object_type=50, @parameter_name=N'LOGGING_LEVEL', @parameter_value=@var0
EXEC [SSISDB].[catalog].[add_execution_worker] @execution_id,  @workeragent_id=N'64c020e2-f819-4c2d-a22f-efb31a91e70a'
EXEC [SSISDB].[catalog].[start_execution] @execution_id,  @retry_count=0
GO

Declare @execution_id bigint
EXEC [SSISDB].[catalog].[create_execution] @package_name=N'package2.dtsx', @execution_id=@execution_id OUTPUT, @folder_name=N'folder2', @project_name=N'project2', @use32bitruntime=False, @reference_id=Null, @useanyworker=False, @runincluster=True
Select @execution_id
DECLARE @var0 smallint = 1
EXEC [SSISDB].[catalog].[set_execution_parameter_value] @execution_id,  @object_type=50, @parameter_name=N'LOGGING_LEVEL', @parameter_value=@var0
EXEC [SSISDB].[catalog].[add_execution_worker] @execution_id,  @workeragent_id=N'64c020e2-f819-4c2d-a22f-efb31a91e70a'
EXEC [SSISDB].[catalog].[start_execution] @execution_id,  @retry_count=0
GO
`

// docBatches are DocExample's GO batches, as sqlcmd sends them (the empty
// text after the last GO is not sent).
var docBatches = func() []string {
	var out []string
	for _, b := range batch.Split(DocExample, "GO") {
		if strings.TrimSpace(b) != "" {
			out = append(out, b)
		}
	}
	return out
}()

// syncBatch starts package1 in Scale Out and waits for the end of the run,
// then reads the status back.
const syncBatch = `DECLARE @id bigint
EXEC SSISDB.catalog.create_execution @folder_name = N'folder1', @project_name = N'project1', @package_name = N'package1.dtsx',
     @execution_id = @id OUTPUT, @runinscaleout = 1, @useanyworker = 1
DECLARE @sync smallint = 1
EXEC SSISDB.catalog.set_execution_parameter_value @id, @object_type = 50, @parameter_name = N'SYNCHRONIZED', @parameter_value = @sync
EXEC SSISDB.catalog.start_execution @id
SELECT @id AS execution_id, status FROM SSISDB.catalog.executions WHERE execution_id = @id`

// startBatch creates and starts a run without waiting (the poll
// scenario's first request); %s are folder, project and package.
const startBatch = `DECLARE @id bigint
EXEC SSISDB.catalog.create_execution @folder_name = N'%s', @project_name = N'%s', @package_name = N'%s',
     @execution_id = @id OUTPUT, @runinscaleout = 1, @useanyworker = 1
EXEC SSISDB.catalog.start_execution @id
SELECT @id AS execution_id`

const pollQuery = `SELECT status FROM SSISDB.catalog.executions WHERE execution_id = @p1`

// reportQuery is one query of the reporting mix. Queries that take an
// execution id get @p1 (a recent id).
type reportQuery struct {
	Name   string
	SQL    string
	NeedID bool
}

// reportQueries are what dashboards and the SSMS reports ask. Run tries
// each once at setup and leaves out the ones the server refuses, saying so
// in the report.
var reportQueries = []reportQuery{
	{"recent executions", `SELECT TOP 50 execution_id, folder_name, project_name, package_name, status, start_time, end_time
FROM SSISDB.catalog.executions ORDER BY execution_id DESC`, false},
	{"messages of one execution", `SELECT operation_id, message_time, message_type, message_source_type, message
FROM SSISDB.catalog.event_messages WHERE operation_id = @p1 ORDER BY event_message_id`, true},
	{"operation messages of one execution", `SELECT operation_id, message_time, message_type, message
FROM SSISDB.catalog.operation_messages WHERE operation_id = @p1`, true},
	{"parameters of one execution", `SELECT parameter_name, parameter_value FROM SSISDB.catalog.execution_parameter_values
WHERE execution_id = @p1 AND object_type = 50`, true},
	{"worker agents", `SELECT WorkerAgentId, IsEnabled, MachineName, LastOnlineTime FROM SSISDB.catalog.worker_agents`, false},
	{"executions by status", `SELECT status, COUNT(*) AS executions FROM SSISDB.catalog.executions GROUP BY status`, false},
	{"executions with their errors", `SELECT TOP 20 e.execution_id, e.package_name, m.message_time, m.message
FROM SSISDB.catalog.executions AS e JOIN SSISDB.catalog.event_messages AS m ON m.operation_id = e.execution_id
WHERE e.execution_id = @p1 AND m.message_type = 120`, true},
}

// finalStatus reports the operation statuses that end an execution.
func finalStatus(s int64) bool {
	switch s {
	case 3, 4, 6, 7, 9:
		return true
	}
	return false
}

// runScenario runs one iteration of the named scenario on c.
func (c *client) runScenario(ctx context.Context, name string) error {
	switch name {
	case ScenarioDoc:
		return c.doc(ctx)
	case ScenarioSync:
		return c.sync(ctx)
	case ScenarioPoll:
		return c.poll(ctx)
	case ScenarioRPC:
		return c.rpc(ctx)
	case ScenarioReport:
		return c.report(ctx)
	case ScenarioMix:
		return c.runScenario(ctx, c.pickMix())
	}
	return fmt.Errorf("load: unknown scenario %q", name)
}

func (c *client) pickMix() string {
	total := 0
	for _, w := range mixWeights {
		total += w.weight
	}
	n := c.rng.IntN(total)
	for _, w := range mixWeights {
		if n < w.weight {
			return w.name
		}
		n -= w.weight
	}
	return mixWeights[0].name
}

// timed runs f as one step and records its latency under name.
func (c *client) timed(name string, f func() error) error {
	start := time.Now()
	err := f()
	c.hist(name).Record(time.Since(start))
	return err
}

// queryInts sends one request and returns every integer of the first
// column of every result set, reading the whole response.
func (c *client) queryInts(ctx context.Context, query string, args ...any) ([]int64, error) {
	c.requests++
	rows, err := c.conn.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for {
		cols, err := rows.Columns()
		if err != nil {
			return out, err
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return out, err
			}
			if len(vals) > 0 {
				if v, ok := vals[0].(int64); ok {
					out = append(out, v)
				}
			}
		}
		if !rows.NextResultSet() {
			break
		}
	}
	return out, rows.Err()
}

func (c *client) doc(ctx context.Context) error {
	return c.timed(ScenarioDoc, func() error {
		for _, b := range docBatches {
			ids, err := c.queryInts(ctx, b)
			if err != nil {
				return err
			}
			if len(ids) != 1 {
				return checkError{"doc batch returned no execution id"}
			}
			c.handOut(ids[0])
		}
		return nil
	})
}

func (c *client) sync(ctx context.Context) error {
	return c.timed(ScenarioSync, func() error {
		c.requests++
		var id, status int64
		if err := c.conn.QueryRowContext(ctx, syncBatch).Scan(&id, &status); err != nil {
			return err
		}
		c.handOut(id)
		if !finalStatus(status) {
			return checkError{fmt.Sprintf("SYNCHRONIZED start returned with status %d", status)}
		}
		return nil
	})
}

func (c *client) poll(ctx context.Context) error {
	return c.timed(ScenarioPoll, func() error {
		var id int64
		err := c.timed("poll: start", func() error {
			ids, err := c.queryInts(ctx, fmt.Sprintf(startBatch, c.run.pollFolder, c.run.pollProject, c.run.pollPackage))
			if err != nil {
				return err
			}
			if len(ids) != 1 {
				return checkError{"start batch returned no execution id"}
			}
			id = ids[0]
			return nil
		})
		if err != nil {
			return err
		}
		c.handOut(id)
		for {
			var status int64
			err := c.timed("poll: status query", func() error {
				c.requests++
				return c.conn.QueryRowContext(ctx, pollQuery, id).Scan(&status)
			})
			if err != nil {
				return err
			}
			if finalStatus(status) {
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(c.run.cfg.PollInterval):
			}
		}
	})
}

func (c *client) rpc(ctx context.Context) error {
	return c.timed(ScenarioRPC, func() error {
		var id int64
		err := c.timed("rpc: create_execution", func() error {
			c.requests++
			_, err := c.conn.ExecContext(ctx, "SSISDB.catalog.create_execution",
				sql.Named("folder_name", "folder1"), sql.Named("project_name", "project1"),
				sql.Named("package_name", "package1.dtsx"), sql.Named("use32bitruntime", false),
				sql.Named("reference_id", nil), sql.Named("runinscaleout", true), sql.Named("useanyworker", true),
				sql.Named("execution_id", sql.Out{Dest: &id}))
			return err
		})
		if err != nil {
			return err
		}
		if id <= 0 {
			return checkError{"create_execution gave no @execution_id"}
		}
		c.handOut(id)
		err = c.timed("rpc: set_execution_parameter_value", func() error {
			c.requests++
			_, err := c.conn.ExecContext(ctx, "SSISDB.catalog.set_execution_parameter_value",
				sql.Named("execution_id", id), sql.Named("object_type", 50),
				sql.Named("parameter_name", "LOGGING_LEVEL"), sql.Named("parameter_value", 1))
			return err
		})
		if err != nil {
			return err
		}
		return c.timed("rpc: start_execution", func() error {
			c.requests++
			_, err := c.conn.ExecContext(ctx, "SSISDB.catalog.start_execution",
				sql.Named("execution_id", id), sql.Named("retry_count", 0))
			return err
		})
	})
}

func (c *client) report(ctx context.Context) error {
	qs := c.run.reports
	if len(qs) == 0 {
		return checkError{"no reporting query is supported by the server"}
	}
	q := qs[c.rng.IntN(len(qs))]
	return c.timed(ScenarioReport, func() error {
		c.requests++
		var args []any
		if q.NeedID {
			args = append(args, c.recentID())
		}
		rows, err := c.conn.QueryContext(ctx, q.SQL, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
		}
		return rows.Err()
	})
}

// recentID is one of this client's last execution ids, or the run's
// newest, or 1.
func (c *client) recentID() int64 {
	if n := len(c.ids); n > 0 {
		return c.ids[n-1-c.rng.IntN(min(n, 20))]
	}
	if id := c.run.lastID.Load(); id > 0 {
		return id
	}
	return 1
}

// checkError is a scenario's own check that failed (no SQL error number).
type checkError struct{ what string }

func (e checkError) Error() string { return e.what }

// errorKey names an error for the report: the SQL Server error number, or
// a short class for errors that are not SQL Server's.
func errorKey(err error) []string {
	var keys []string
	if me, ok := asMSSQL(err); ok {
		all := me.All
		if len(all) == 0 {
			keys = append(keys, fmt.Sprint(me.Number))
		}
		for _, e := range all {
			keys = append(keys, fmt.Sprint(e.Number))
		}
		return keys
	}
	var ce checkError
	if asErr(err, &ce) {
		return []string{"check: " + ce.what}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "connection reset"), strings.Contains(msg, "broken pipe"),
		strings.Contains(msg, "EOF"), strings.Contains(msg, "bad connection"), strings.Contains(msg, "connection refused"):
		return []string{"network"}
	case strings.Contains(msg, "context deadline exceeded"), strings.Contains(msg, "timeout"):
		return []string{"timeout"}
	}
	return []string{"other"}
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
