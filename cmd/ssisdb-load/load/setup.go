package load

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/ispac"
)

// The load project that Setup deploys for the poll scenario.
const (
	LoadFolder  = "ssisdb-load"
	LoadProject = "load"
	LoadPackage = "poll.dtsx"
)

// setup checks the server, picks the reporting queries it answers and,
// when asked, deploys the load project.
func (rs *runState) setup(ctx context.Context, rep *Report) error {
	if err := rs.db.PingContext(ctx); err != nil {
		return fmt.Errorf("load: cannot log in: %w", err)
	}
	needs := func(s string) bool { return rs.cfg.Scenario == s || rs.cfg.Scenario == ScenarioMix }
	if needs(ScenarioReport) {
		for _, q := range reportQueries {
			var args []any
			if q.NeedID {
				args = append(args, int64(1))
			}
			if err := drain(ctx, rs.db, q.SQL, args...); err != nil {
				rep.SkippedReports[q.Name] = err.Error()
				continue
			}
			rs.reports = append(rs.reports, q)
		}
		if len(rs.reports) == 0 {
			return fmt.Errorf("load: the server answered none of the reporting queries: %v", rep.SkippedReports)
		}
	}
	if rs.cfg.Setup && needs(ScenarioPoll) {
		if err := rs.deployLoadProject(ctx); err != nil {
			rs.cfg.Logger.Warn("load: the load project could not be set up; the poll scenario polls the demo package1",
				"err", err)
		} else {
			rs.pollFolder, rs.pollProject, rs.pollPackage = LoadFolder, LoadProject, LoadPackage
		}
	}
	return nil
}

// deployLoadProject deploys folder ssisdb-load, project load with
// poll.dtsx, and gives poll.dtsx a run time with the emulator's package
// rules (emulator.set_package_rule, sysadmin only).
func (rs *runState) deployLoadProject(ctx context.Context) error {
	data, err := ispac.Build(catalog.DemoProject(LoadProject, LoadPackage))
	if err != nil {
		return err
	}
	var exists int
	rows, err := rs.db.QueryContext(ctx, `SELECT folder_id FROM SSISDB.catalog.folders WHERE name = @p1`, LoadFolder)
	if err != nil {
		return err
	}
	for rows.Next() {
		exists++
	}
	rows.Close()
	if exists == 0 {
		var folderID int64
		if _, err := rs.db.ExecContext(ctx, "SSISDB.catalog.create_folder", sql.Named("folder_name", LoadFolder),
			sql.Named("folder_id", sql.Out{Dest: &folderID})); err != nil {
			return fmt.Errorf("create_folder: %w", err)
		}
	}
	var opID int64
	if _, err := rs.db.ExecContext(ctx, "SSISDB.catalog.deploy_project", sql.Named("folder_name", LoadFolder),
		sql.Named("project_name", LoadProject), sql.Named("project_stream", data),
		sql.Named("operation_id", sql.Out{Dest: &opID})); err != nil {
		return fmt.Errorf("deploy_project: %w", err)
	}
	if _, err := rs.db.ExecContext(ctx, "SSISDB.emulator.set_package_rule", sql.Named("folder", LoadFolder),
		sql.Named("project", LoadProject), sql.Named("package", LoadPackage), sql.Named("outcome", "succeed"),
		sql.Named("duration_ms", rs.cfg.PollPackageDuration.Milliseconds())); err != nil {
		return fmt.Errorf("set_package_rule: %w", err)
	}
	return nil
}

// drain runs a query and reads its whole response.
func drain(ctx context.Context, db *sql.DB, query string, args ...any) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for {
		for rows.Next() {
		}
		if !rows.NextResultSet() {
			break
		}
	}
	return rows.Err()
}

// checkFinal looks up every id handed out in catalog.executions, waiting up
// to wait for the ones still running.
func checkFinal(ctx context.Context, db *sql.DB, ids []int64, wait time.Duration) FinalCheck {
	fc := FinalCheck{HandedOut: len(ids), ByStatus: map[int64]int{}}
	if len(ids) == 0 {
		return fc
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) != fc.HandedOut {
		fc.Err = fmt.Sprintf("%d execution ids were handed out more than once", fc.HandedOut-len(ids))
	}
	status := make([]int64, len(ids)) // 0: not seen
	start := time.Now()
	for {
		// Only the range still in doubt is read again.
		lo, hi := -1, -1
		for i, s := range status {
			if !finalStatus(s) {
				if lo < 0 {
					lo = i
				}
				hi = i
			}
		}
		if lo < 0 {
			break
		}
		err := func() error {
			rows, err := db.QueryContext(ctx, `SELECT execution_id, status FROM SSISDB.catalog.executions
WHERE execution_id >= @p1 AND execution_id <= @p2`, ids[lo], ids[hi])
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id, st int64
				if err := rows.Scan(&id, &st); err != nil {
					return err
				}
				if i, ok := slices.BinarySearch(ids, id); ok {
					status[i] = st
				}
			}
			return rows.Err()
		}()
		if err != nil {
			fc.Err = "final check query: " + err.Error()
			break
		}
		if time.Since(start) > wait || ctx.Err() != nil {
			break
		}
		still := false
		for _, s := range status[lo : hi+1] {
			if !finalStatus(s) {
				still = true
				break
			}
		}
		if !still {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
	fc.Waited = time.Since(start)
	for i, s := range status {
		switch {
		case s == 0:
			fc.MissingCount++
			if len(fc.Missing) < 20 {
				fc.Missing = append(fc.Missing, ids[i])
			}
		case finalStatus(s):
			fc.Final++
			fc.ByStatus[s]++
		default:
			fc.ByStatus[s]++
			fc.NotFinalCount++
			if len(fc.NotFinal) < 20 {
				fc.NotFinal = append(fc.NotFinal, ids[i])
			}
		}
	}
	// Duplicates count once in Final; HandedOut keeps the raw count so the
	// report shows the difference.
	return fc
}
