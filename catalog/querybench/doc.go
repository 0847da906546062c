// Package querybench holds benchmarks of T-SQL queries over the catalog's
// views, run in process through the query engine (procs) on catalogs of
// up to 1,000,000 executions: what a dashboard or a poll loop costs. It
// has no API; the engine is imported by its tests only, so the catalog's
// own import graph is unchanged.
package querybench
