// Package querybench runs T-SQL queries over the catalog's views in
// process, through the query engine (procs): benchmarks on catalogs of up
// to 1,000,000 executions (what a dashboard or a poll loop costs), and
// tests that queries which keep rows stay right when scans hand rows over
// in chunks of one reused buffer. It has no API. It lives under procs
// because it drives the engine over the catalog: catalog never imports procs.
package querybench
