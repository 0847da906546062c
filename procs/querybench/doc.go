// Package querybench runs T-SQL queries over the catalog's views in
// process, through the query engine (procs): benchmarks on catalogs of up
// to 1,000,000 executions (what a dashboard or a poll loop costs), tests
// that queries which keep rows stay right when scans hand rows over in
// chunks of one reused buffer, and tests that scans building only the
// columns a query reads (projection pushdown) give what scans of every
// column give. It has no API. It lives under procs because it drives the
// engine over the catalog: catalog never imports procs.
package querybench
