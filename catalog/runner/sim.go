package runner

import (
	"context"
	"errors"
	"time"
)

var errNotYet = errors.New("runner: not implemented yet")

// MessageRule is an extra message a rule makes the package log.
type MessageRule struct {
	// Type is the message type: 70 information (default), 110 warning,
	// 120 error, ... It also decides the event name and which logging levels
	// keep the message.
	Type int16  `yaml:"type"`
	Text string `yaml:"text"`
	// Code is the message_code (an HRESULT for errors and warnings).
	Code int32 `yaml:"code"`
	// OnEnd logs the message when the run ends instead of when it starts.
	OnEnd bool `yaml:"on_end"`
}

// Rule says what runs of matching packages do. Folder, Project and Package
// are patterns with * and ? matched case-insensitively (empty matches
// anything); Package matches the package file name with or without .dtsx.
type Rule struct {
	Folder  string `yaml:"folder"`
	Project string `yaml:"project"`
	Package string `yaml:"package"`
	// Outcome is succeed (default), fail or hang.
	Outcome Outcome `yaml:"outcome"`
	// Duration is how long a run takes before it ends (default 0: at once).
	Duration time.Duration `yaml:"duration"`
	// FailFirst makes the first FailFirst attempts of an execution fail
	// before Outcome applies.
	FailFirst int `yaml:"fail_first"`
	// Task names the package's simulated task (default "Execute SQL Task").
	Task     string        `yaml:"task"`
	Messages []MessageRule `yaml:"messages"`
}

// Config is the simulator's configuration; rules match in order and the
// first match wins; a run no rule matches succeeds at once.
type Config struct {
	Rules []Rule `yaml:"rules"`
}

// Sim is the default Runner: it simulates packages from rules. Safe for
// concurrent use; rules can change while runs are planned.
type Sim struct{}

// NewSim returns a simulator with cfg's rules.
func NewSim(cfg Config) (*Sim, error) { return nil, errNotYet }

// Rules returns the current rules in match order.
func (s *Sim) Rules() []Rule { return nil }

// SetRules replaces all rules.
func (s *Sim) SetRules(rules []Rule) error { return errNotYet }

// AddRule puts r before the existing rules, so it wins over them.
func (s *Sim) AddRule(r Rule) error { return errNotYet }

// Plan implements Runner.
func (s *Sim) Plan(ctx context.Context, a Attempt) Plan { return Plan{} }

// Stopped implements Runner.
func (s *Sim) Stopped(a Attempt, at time.Time) []EventMessage { return nil }
