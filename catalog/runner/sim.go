package runner

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// DefaultTask is the name of the simulated package's one task.
const DefaultTask = "Execute SQL Task"

// Message codes the simulator logs with. They are real SSIS HRESULTs:
// DTS_E_EXECUTESQLSTATEMENTFAILED (0xC002F210) for the task's error and
// DTS_W_MAXIMUMERRORCOUNTREACHED (0x80019002) for the package's warning.
const (
	CodeTaskFailed      int32 = -1073548784
	CodeMaxErrorReached int32 = -2147381246
)

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
	// (after Duration) before Outcome applies.
	FailFirst int `yaml:"fail_first"`
	// Task names the package's simulated task (default DefaultTask).
	Task     string        `yaml:"task"`
	Messages []MessageRule `yaml:"messages"`
}

// Config is the simulator's configuration. Rules match in order and the
// first match wins; a run that no rule matches succeeds at once.
type Config struct {
	Rules []Rule `yaml:"rules"`
	// NewGUID makes event_message_guid values (default: random v4 GUIDs
	// from a buffered crypto/rand reader).
	NewGUID func() uuid.UUID `yaml:"-"`
}

// Sim is the default Runner: it simulates packages from rules. It is safe
// for concurrent use; rules can change while runs are being planned.
type Sim struct {
	mu      sync.RWMutex
	rules   []Rule
	newGUID func() uuid.UUID

	srcMu sync.Mutex
	srcs  map[sourceKey]*sources
}

// NewSim returns a simulator with cfg's rules.
func NewSim(cfg Config) (*Sim, error) {
	s := &Sim{newGUID: cfg.NewGUID}
	if s.newGUID == nil {
		s.newGUID = pooledGUIDs()
	}
	if err := s.SetRules(cfg.Rules); err != nil {
		return nil, err
	}
	return s, nil
}

// pooledGUIDs returns a v4 GUID source that reads crypto/rand in 4 KiB
// chunks: a package run logs a dozen messages and one read per GUID would
// dominate the cost of an instant run.
func pooledGUIDs() func() uuid.UUID {
	var mu sync.Mutex
	r := bufio.NewReaderSize(rand.Reader, 4096)
	return func() uuid.UUID {
		mu.Lock()
		defer mu.Unlock()
		u, err := uuid.NewRandomFromReader(r)
		if err != nil {
			return uuid.New() // crypto/rand does not fail on Linux; keep going if it ever does
		}
		return u
	}
}

// Validate checks a rule and fills its defaults.
func (r Rule) Validate() (Rule, error) {
	if r.Outcome == 0 {
		r.Outcome = Succeed
	}
	if r.Outcome < Succeed || r.Outcome > Hang {
		return r, fmt.Errorf("runner: rule outcome %d is not succeed, fail or hang", int(r.Outcome))
	}
	if r.Duration < 0 {
		return r, fmt.Errorf("runner: rule duration %v is negative", r.Duration)
	}
	if r.FailFirst < 0 {
		return r, fmt.Errorf("runner: rule fail_first %d is negative", r.FailFirst)
	}
	if r.Task == "" {
		r.Task = DefaultTask
	}
	msgs := make([]MessageRule, len(r.Messages))
	for i, m := range r.Messages {
		if m.Type == 0 {
			m.Type = TypeInformation
		}
		if _, ok := eventNames[m.Type]; !ok {
			return r, fmt.Errorf("runner: rule message type %d is not a message type a package logs", m.Type)
		}
		msgs[i] = m
	}
	r.Messages = msgs
	return r, nil
}

// Rules returns the current rules in match order, defaults filled in.
func (s *Sim) Rules() []Rule {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Rule(nil), s.rules...)
}

// SetRules replaces all rules. On error the old rules stay.
func (s *Sim) SetRules(rules []Rule) error {
	checked := make([]Rule, len(rules))
	for i, r := range rules {
		v, err := r.Validate()
		if err != nil {
			return fmt.Errorf("rule %d: %w", i+1, err)
		}
		checked[i] = v
	}
	s.mu.Lock()
	s.rules = checked
	s.mu.Unlock()
	return nil
}

// AddRule puts r before the existing rules, so it wins over them.
func (s *Sim) AddRule(r Rule) error {
	v, err := r.Validate()
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.rules = append([]Rule{v}, s.rules...)
	s.mu.Unlock()
	return nil
}

// RemoveRules drops the rules whose three patterns equal the given ones
// (case-insensitively) and reports how many it dropped.
func (s *Sim) RemoveRules(folder, project, pkg string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.rules[:0:0]
	for _, r := range s.rules {
		if strings.EqualFold(r.Folder, folder) && strings.EqualFold(r.Project, project) && strings.EqualFold(r.Package, pkg) {
			continue
		}
		kept = append(kept, r)
	}
	n := len(s.rules) - len(kept)
	s.rules = kept
	return n
}

// defaultRule is what a run no rule matches does: succeed at once.
var defaultRule = Rule{Outcome: Succeed, Task: DefaultTask}

// Match returns the rule that applies to an execution's package.
func (s *Sim) Match(e ExecInfo) Rule {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, r := range s.rules {
		if r.matches(e) {
			return r
		}
	}
	return defaultRule
}

func (r Rule) matches(e ExecInfo) bool {
	if !Wildcard(r.Folder, e.FolderName) || !Wildcard(r.Project, e.ProjectName) {
		return false
	}
	if Wildcard(r.Package, e.PackageName) {
		return true
	}
	base, ok := cutDtsx(e.PackageName)
	return ok && Wildcard(r.Package, base)
}

func cutDtsx(name string) (string, bool) {
	if len(name) > 5 && strings.EqualFold(name[len(name)-5:], ".dtsx") {
		return name[:len(name)-5], true
	}
	return name, false
}

// Wildcard reports whether name matches pattern, where * matches any run of
// characters, ? any one character, and letters match case-insensitively. An
// empty pattern matches everything.
func Wildcard(pattern, name string) bool {
	if pattern == "" {
		return true
	}
	p := []rune(strings.ToLower(pattern))
	n := []rune(strings.ToLower(name))
	// Greedy match with one backtrack point: the last * seen.
	pi, ni, star, mark := 0, 0, -1, 0
	for ni < len(n) {
		switch {
		case pi < len(p) && p[pi] == '*': // before the literal case: a * in the name is no match for it
			star, mark = pi, ni
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == n[ni]):
			pi++
			ni++
		case star >= 0:
			pi = star + 1
			mark++
			ni = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// Plan implements Runner.
func (s *Sim) Plan(ctx context.Context, a Attempt) Plan {
	r := s.Match(a.Exec)
	out := r.Outcome
	if a.Number <= r.FailFirst {
		out = Fail
	}
	p := Plan{Outcome: out, Duration: r.Duration}
	lg := newLog(s, a, r)
	if lg.level == 0 {
		return p
	}
	lg.at = a.Start
	lg.startMessages(r)
	p.Start = lg.take()
	if out == Hang {
		return p
	}
	lg.at = a.Start.Add(r.Duration)
	lg.endMessages(r, out == Succeed, r.Duration)
	p.End = lg.take()
	return p
}

// Stopped implements Runner.
func (s *Sim) Stopped(a Attempt, at time.Time) []EventMessage {
	r := s.Match(a.Exec)
	lg := newLog(s, a, r)
	if lg.level == 0 {
		return nil
	}
	lg.at = at
	lg.add(lg.pkg, TypeInformation, 0, "The package run was stopped by a stop_operation request before it finished.")
	lg.add(lg.task, TypePostExecute, 0, "")
	lg.add(lg.pkg, TypeInformation, 0, fmt.Sprintf("Package run finished: canceled. Elapsed time: %s.", elapsed(at.Sub(a.Start))))
	lg.add(lg.pkg, TypePostExecute, 0, "")
	return lg.take()
}
