// Package scaleout is the in-process Scale Out master: worker agents, jobs,
// tasks, dispatch, leases and retries (reference: ssisdb-catalog.md §6).
//
// # Lifecycle of a Scale Out execution
//
//	create_execution        CreateJob: internal.jobs row; with @useanyworker=1 the all-workers
//	                        job_worker_agents row (AllWorkers)
//	add_execution_worker    AddJobWorker: a job_worker_agents row (27251 for an all-workers job)
//	start_execution         StartTask: one task, status 1, MaxExecutedCount = @retry_count+1,
//	                        ReadyForDispatchTime = now. The catalog sets the execution pending (5).
//	pick-up                 an eligible worker takes the oldest ready task it may: task 2,
//	                        ExecutedCount+1, lease = now + Lease -> Sink.AttemptStarted (the catalog
//	                        sets 2 with machine_name, worker_agent_id, executed_count)
//	run                     the runner's plan: task 3, start messages, then after the plan's
//	                        duration the end messages and the outcome
//	success                 task 5 -> Sink.Finished(7)
//	failure                 attempts left and not cancelled: task 1 again, ready now
//	                        (Sink.AttemptRequeued, then another pick-up); else task 4 -> Finished(4)
//	lease expiry            task 2/3 whose worker stopped heart-beating: cancelled -> task 6,
//	                        Finished(3); attempts left -> re-queued; else task 4 -> Finished(6)
//	stop_operation          CancelJob: a ready task -> 6 and Finished(3, stopID) at once; a running
//	                        one when its worker learns of it (Stopped messages, Finished(3, stopID))
//
// A worker is eligible when it is enabled, online (heart-beating), below its
// MaxTaskCount and allowed by the job (any worker for an all-workers job,
// else one of the workers added to it). With none eligible the task waits
// and the execution stays pending; nothing times out (§6.3).
//
// # Dispatch
//
// Ready tasks sit in min-heaps ordered by ReadyForDispatchTime, then by the
// order they became ready: one heap for all-workers jobs and one per worker
// for jobs restricted to workers (a task restricted to k workers is in k
// heaps and leaves all of them when taken). A worker compares the heads of
// the all-workers heap and its own, so a pick is O(log n) and never scans
// executions. One mutex guards the state, so two workers never take the
// same task.
//
// # Timing
//
// All time comes from the injected clock. In fast mode (the default) a
// ready task goes to an eligible worker at once and a worker that gains room
// pulls at once; heartbeats are not simulated: an online worker's leases
// renew themselves and its LastOnlineTime reads as now, a stop reaches a
// running package at once, and when a worker goes offline or is lost its
// leases run out Lease later, when the sweep runs. In realistic mode workers
// pull every PullInterval, send task heartbeats (which renew leases and
// carry stops) every TaskHeartbeatInterval and agent heartbeats
// (LastOnlineTime) every AgentHeartbeatInterval, and the master sweeps
// expired leases every ExpiredTaskSweepInterval. TimeFactor scales every
// interval. Package durations come from the runner.
//
// An offline worker (SetWorkerOnline false) keeps running its packages but
// cannot report: a result is reported when it is back, unless the master
// took the task back meanwhile (then the result is refused and the run
// killed at the worker's next heartbeat); after HeartbeatErrorTolerance
// offline the worker kills its runs. A lost worker (LoseWorker) loses its
// runs at once.
//
// # Delivery
//
// Master methods and clock callbacks change state under the mutex and queue
// what the Sink must hear on a lane: a goroutine, chosen by execution id, so
// that the calls for one execution arrive in order and never overlap, and
// never from inside a Master method (the catalog may hold its own lock while
// it calls the master). The lane also asks the runner for the attempt's
// plan. Settle waits until the lanes are idle: tests move a fake clock, then
// Settle, then look.
//
// # Not modelled
//
// Worker performance counters (catalog.worker_agent_perfcounter), the
// *_history tables (CleanupJobs drops finished jobs instead), the worker's
// log cache, and the real master's HTTPS protocol. Whether a real catalog
// shows status 5 again between attempts is unconfirmed; the master reports
// AttemptRequeued and leaves the choice to the catalog.
package scaleout
