package scaleout

import (
	"fmt"
	"time"

	"github.com/google/uuid"
)

// DefaultUserAccount is the account a worker's packages run under unless its
// configuration says otherwise (the worker service's virtual account).
const DefaultUserAccount = `NT Service\SSISScaleOutWorker140`

// DefaultMaxTaskCount is WorkerSettings.config's MaxTaskCount default.
const DefaultMaxTaskCount = 10

// Timing modes.
const (
	// ModeFast picks a ready task up at once, runs packages for the rules'
	// durations only and simulates no heartbeats: leases of online workers
	// renew themselves, a stop reaches a running package at once, and an
	// expired lease is noticed the moment it expires.
	ModeFast = "fast"
	// ModeRealistic runs the real intervals: workers pull every
	// PullInterval, send task heartbeats every TaskHeartbeatInterval (which
	// renew leases and carry cancellations) and agent heartbeats every
	// AgentHeartbeatInterval; the master sweeps expired leases every
	// ExpiredTaskSweepInterval.
	ModeRealistic = "realistic"
)

// Timing is the master's timing model. Zero fields take the defaults below;
// TimeFactor scales every interval in both modes (0.01 runs 100 times
// faster than a real master). Package durations come from the runner and are
// not scaled.
type Timing struct {
	Mode       string  `yaml:"mode"`        // ModeFast (default) or ModeRealistic
	TimeFactor float64 `yaml:"time_factor"` // default 1

	// PullInterval is how often an idle worker asks for work in realistic
	// mode (default 1s; the real worker's interval is not documented).
	PullInterval time.Duration `yaml:"pull_interval"`
	// TaskHeartbeatInterval is WorkerSettings.config's TaskHeartbeatInterval
	// (default 10s).
	TaskHeartbeatInterval time.Duration `yaml:"task_heartbeat_interval"`
	// AgentHeartbeatInterval is WorkerSettings.config's
	// AgentHeartbeatInterval (default 1m); it refreshes LastOnlineTime.
	AgentHeartbeatInterval time.Duration `yaml:"agent_heartbeat_interval"`
	// Lease is how long a pick-up or a task heartbeat keeps a task owned
	// (pull_task sets ExpiredTime = now + 5 min; default 5m).
	Lease time.Duration `yaml:"lease"`
	// HeartbeatErrorTolerance is how long a worker that cannot reach the
	// master keeps its packages running before it kills them (default 10m).
	HeartbeatErrorTolerance time.Duration `yaml:"heartbeat_error_tolerance"`
	// ExpiredTaskSweepInterval is MasterSettings.config's
	// DealWithExpiredTasksIntervalInMs (default 5m; realistic mode only).
	ExpiredTaskSweepInterval time.Duration `yaml:"expired_task_sweep_interval"`
	// CleanupInterval is CleanupCompletedJobsIntervalInMs (default 12h) and
	// CleanupKeep the age after which finished jobs are dropped (default
	// 60m, cleanup_completed_jobs' @minutesToKeep). Both modes.
	CleanupInterval time.Duration `yaml:"cleanup_interval"`
	CleanupKeep     time.Duration `yaml:"cleanup_keep"`
}

// WorkerConfig describes a worker agent known from configuration or added
// through the control surface.
type WorkerConfig struct {
	ID          uuid.UUID `yaml:"id"`
	Enabled     bool      `yaml:"enabled"`
	DisplayName string    `yaml:"display_name"`
	Description string    `yaml:"description"`
	// MachineName defaults to "SSISW-" and the first 8 hex digits of the id.
	MachineName string `yaml:"machine_name"`
	Tags        string `yaml:"tags"`
	// UserAccount defaults to DefaultUserAccount.
	UserAccount string `yaml:"user_account"`
	// MaxTaskCount defaults to DefaultMaxTaskCount.
	MaxTaskCount int `yaml:"max_task_count"`
	// Offline starts the worker without heartbeats (its service stopped).
	Offline bool `yaml:"offline"`
}

// Config configures a Master. The cmd engineer fills it from YAML.
type Config struct {
	Timing  Timing         `yaml:"timing"`
	Workers []WorkerConfig `yaml:"workers"`
	// Lanes is how many goroutines deliver events to the Sink and start
	// attempts (default: GOMAXPROCS). Events of one execution always use
	// the same lane, so they stay in order.
	Lanes int `yaml:"lanes"`
	// NewID makes job and task ids (default uuid.New).
	NewID func() uuid.UUID `yaml:"-"`
}

// timing is Timing with defaults applied and the factor folded in.
type timing struct {
	realistic                                  bool
	pull, taskBeat, agentBeat, lease, tolerate time.Duration
	sweep, cleanup, keep                       time.Duration
}

func (t Timing) resolve() (timing, error) {
	var r timing
	switch t.Mode {
	case "", ModeFast:
	case ModeRealistic:
		r.realistic = true
	default:
		return r, fmt.Errorf("scaleout: timing mode %q is not %q or %q", t.Mode, ModeFast, ModeRealistic)
	}
	f := t.TimeFactor
	if f < 0 {
		return r, fmt.Errorf("scaleout: time factor %v is negative", f)
	}
	if f == 0 {
		f = 1
	}
	pick := func(v, def time.Duration) time.Duration {
		if v <= 0 {
			v = def
		}
		v = time.Duration(float64(v) * f)
		if v <= 0 {
			v = 1 // a factor this small still needs a positive interval
		}
		return v
	}
	r.pull = pick(t.PullInterval, time.Second)
	r.taskBeat = pick(t.TaskHeartbeatInterval, 10*time.Second)
	r.agentBeat = pick(t.AgentHeartbeatInterval, time.Minute)
	r.lease = pick(t.Lease, 5*time.Minute)
	r.tolerate = pick(t.HeartbeatErrorTolerance, 10*time.Minute)
	r.sweep = pick(t.ExpiredTaskSweepInterval, 5*time.Minute)
	r.cleanup = pick(t.CleanupInterval, 12*time.Hour)
	r.keep = pick(t.CleanupKeep, time.Hour)
	return r, nil
}
