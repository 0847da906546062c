// Package console is the emulator's web console: what SQL Server Management
// Studio shows of an SSIS catalog with Scale Out (reference ssisdb-catalog.md
// §8), for people on machines where SSMS does not run. It is an
// http.Handler meant to be mounted at "/" on the emulator's HTTP listener,
// next to /healthz and /metrics:
//
//	con, err := console.New(console.Config{Catalog: cat, Master: master, Clock: clk, Logger: log})
//	mux.Handle("/", con)
//
// # Pages
//
//	GET  /login, POST /login, POST /logout   sign-in with the server's logins and passwords
//	GET  /executions                         All Executions: filter (start time range, status,
//	                                         folder, project, package), the failed / running /
//	                                         succeeded / others counters, executions over time by
//	                                         status and durations per package (SVG), the list
//	GET  /executions/{id}                    overview: times, worker, attempts, parameter values,
//	                                         executable statistics, errors; the Scale Out task for
//	                                         administrators; Stop while running
//	GET  /executions/{id}/messages           All Messages
//	GET  /execute, /execute/configure        Execute Package in Scale Out: package tree, then per
//	                                         package Parameters, Connection Managers and Advanced
//	                                         (environment, logging level, dump on errors, 32-bit,
//	                                         retry count, property overrides) and Machine Selection
//	POST /execute, GET /execute/result       OK: one execution per package, then the outcome with a
//	                                         link to the report and the T-SQL equivalent
//	GET  /workers, /workers/{id}/edit        Scale Out Manager: master, workers (enabled, online,
//	                                         last seen, running tasks of MaxTaskCount, account)
//	POST /workers/{id}/enable|disable|edit   worker actions
//
// Pages showing a running or pending execution refresh their live part every
// Config.Refresh (static/console.js; without JavaScript a meta refresh).
// The report filters on the start time, or the creation time of executions
// never started; folder, project and package match a part of the name,
// case-insensitively.
//
// # Security model
//
// Every action calls the catalog's Go methods for the procedure a T-SQL
// caller would run (create_execution with @runinscaleout = 1,
// set_execution_parameter_value, set_execution_property_override_value,
// add_execution_worker, start_execution, stop_operation,
// enable/disable_worker_agent, set_worker_agent_property) as the signed-in
// login, and every page reads the catalog's views through catalog.View with
// that login: the same role checks, row-level visibility, error numbers and
// texts apply, and a refusal shows as "Msg n, Level l, State s: text". No
// T-SQL text is built. The pages hide actions a login cannot take (so
// ssis_logreader gets a read-only console), but the catalog decides.
//
// Sessions live on the server (random id in an HttpOnly, SameSite=Strict
// cookie, Secure with the __Host- prefix when Config.SecureCookies; idle
// expiry on the injected clock). Every POST, the sign-in form's included,
// must carry the session's CSRF token and come from this site
// (Sec-Fetch-Site / Origin, else Referer): otherwise 403. Responses carry a
// Content-Security-Policy that allows only the console's own script and
// stylesheet, and html/template escapes every catalog value.
package console
