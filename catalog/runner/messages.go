package runner

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// eventNames maps the message types a package logs to SSIS event names.
var eventNames = map[int16]string{
	TypePreValidate:  "OnPreValidate",
	TypePostValidate: "OnPostValidate",
	TypePreExecute:   "OnPreExecute",
	TypePostExecute:  "OnPostExecute",
	TypeProgress:     "OnProgress",
	TypeInformation:  "OnInformation",
	80:               "OnVariableValueChanged",
	TypeDiagnostic:   "Diagnostic",
	TypeWarning:      "OnWarning",
	TypeError:        "OnError",
	TypeTaskFailed:   "OnTaskFailed",
	140:              "DiagnosticEx",
	200:              "OnCustomEvent",
}

// EventName returns the SSIS event name of a message type ("" if none).
func EventName(messageType int16) string { return eventNames[messageType] }

// Logged reports whether a run at LOGGING_LEVEL level keeps a message of
// the given type: 0 (None) keeps nothing; 2 (Performance) only errors and
// warnings; 3 (Verbose) everything; 1 (Basic), 4 (Runtime lineage) and 100
// (Customized, simulated as Basic) everything but diagnostic and custom
// events.
func Logged(level int, messageType int16) bool {
	switch level {
	case 0:
		return false
	case 2:
		return messageType == TypeWarning || messageType == TypeError
	case 3:
		return true
	}
	switch messageType {
	case TypeDiagnostic, 140, 200:
		return false
	}
	return true
}

// namespace seeds the stable ids of simulated packages and tasks, so a
// package keeps its id from run to run as a real one does.
var namespace = uuid.MustParse("5f3c1f7e-2f0c-4d8e-9a51-7b1f2c3d4e5f")

// source is an executable that logs: the package or its task.
type source struct {
	kind     int16 // SourcePackage or SourceTask
	name     string
	id       string // {GUID}
	pkgPath  string
	execPath string
	fixed    map[int16]string // the texts of its pre/post events, made once
}

// sources is the package and task of one simulated package.
type sources struct{ pkg, task source }

// sourceKey names a simulated package's executables in the Sim's cache.
type sourceKey struct{ folder, project, pkg, task string }

// maxCachedSources bounds the cache of package and task ids; past it the
// cache starts over (the ids are derived, so nothing is lost).
const maxCachedSources = 4096

func newSource(kind int16, name, id, pkgPath, execPath string) source {
	return source{kind: kind, name: name, id: id, pkgPath: pkgPath, execPath: execPath, fixed: map[int16]string{
		TypePreValidate:  name + ":Validation has started.",
		TypePostValidate: name + ":Validation is complete.",
		TypePreExecute:   name + ":Execution has started.",
		TypePostExecute:  name + ":Execution is complete.",
		TypeTaskFailed:   name + ":Task Failed: " + name,
	}}
}

// sourcesFor returns the package's and task's names, ids and paths. The
// ids are derived from the names, so a package keeps them from run to run.
func (s *Sim) sourcesFor(e ExecInfo, task string) *sources {
	k := sourceKey{e.FolderName, e.ProjectName, e.PackageName, task}
	s.srcMu.Lock()
	defer s.srcMu.Unlock()
	if src, ok := s.srcs[k]; ok {
		return src
	}
	if len(s.srcs) >= maxCachedSources || s.srcs == nil {
		s.srcs = make(map[sourceKey]*sources)
	}
	base, _ := cutDtsx(e.PackageName)
	key := strings.ToLower(e.FolderName + "\x00" + e.ProjectName + "\x00" + e.PackageName)
	src := &sources{
		pkg: newSource(SourcePackage, base, braced(uuid.NewSHA1(namespace, []byte(key))), `\Package`, `\`+base),
		task: newSource(SourceTask, task, braced(uuid.NewSHA1(namespace, []byte(key+"\x00"+strings.ToLower(task)))),
			`\Package\`+task, `\`+base+`\`+task),
	}
	s.srcs[k] = src
	return src
}

// runLog builds the messages of one attempt.
type runLog struct {
	s         *Sim
	a         Attempt
	level     int
	pkgFile   string
	pkg, task *source
	thread    int32
	at        time.Time
	msgs      []EventMessage // all the attempt's messages, one allocation
	mark      int            // msgs before mark were taken already
}

func newLog(s *Sim, a Attempt, r Rule) *runLog {
	lg := &runLog{s: s, a: a, level: a.Exec.LoggingLevel}
	if lg.level == 0 {
		return lg
	}
	lg.pkgFile = a.Exec.PackageName
	src := s.sourcesFor(a.Exec, r.Task)
	lg.pkg, lg.task = &src.pkg, &src.task
	// A plausible Windows thread id, stable for an attempt.
	lg.thread = int32(1000 + (a.Exec.ExecutionID*7919+int64(a.Number)*104729)%30000)
	if lg.thread < 1000 {
		lg.thread += 30000
	}
	lg.msgs = make([]EventMessage, 0, 16+len(r.Messages))
	return lg
}

func braced(u uuid.UUID) string { return "{" + strings.ToUpper(u.String()) + "}" }

// add logs text from src with SSIS's "<source>:<kind>: <text>" shape.
// Pre/post events with empty text get their standard wording.
func (lg *runLog) add(src *source, typ int16, code int32, text string) {
	if !Logged(lg.level, typ) {
		return
	}
	msg, fixed := src.fixed[typ]
	switch {
	case fixed && text == "":
	case fixed:
		msg = src.name + ":" + text
	case typ == TypeInformation:
		msg = src.name + ":Information: " + text
	case typ == TypeWarning:
		msg = src.name + ":Warning: " + text
	case typ == TypeError:
		msg = src.name + ":Error: " + text
	case typ == TypeProgress:
		msg = src.name + ":Progress: " + text
	default:
		msg = src.name + ":" + text
	}
	lg.msgs = append(lg.msgs, EventMessage{
		Time:              lg.at,
		MessageType:       typ,
		MessageSourceType: src.kind,
		Message:           msg,
		PackageName:       lg.pkgFile,
		EventName:         eventNames[typ],
		SourceName:        src.name,
		SourceID:          src.id,
		PackagePath:       src.pkgPath,
		ExecutionPath:     src.execPath,
		ThreadID:          lg.thread,
		MessageCode:       code,
		GUID:              lg.s.newGUID(),
	})
}

// take returns the messages logged since the last take. The slice is
// capped, so later messages never write into it.
func (lg *runLog) take() []EventMessage {
	n := len(lg.msgs)
	out := lg.msgs[lg.mark:n:n]
	lg.mark = n
	if len(out) == 0 {
		return nil
	}
	return out
}

func (lg *runLog) where() string {
	if lg.a.Machine == "" {
		return "the server"
	}
	return "Scale Out worker " + lg.a.Machine
}

func (lg *runLog) startMessages(r Rule) {
	lg.add(lg.pkg, TypePreValidate, 0, "")
	lg.add(lg.task, TypePreValidate, 0, "")
	lg.add(lg.task, TypePostValidate, 0, "")
	lg.add(lg.pkg, TypePostValidate, 0, "")
	lg.add(lg.pkg, TypePreExecute, 0, "")
	who := ""
	if lg.a.Account != "" {
		who = " as " + lg.a.Account
	}
	lg.add(lg.pkg, TypeInformation, 0, fmt.Sprintf("Package run started on %s%s (attempt %d).", lg.where(), who, lg.a.Number))
	lg.add(lg.task, TypePreExecute, 0, "")
	if lg.level == 3 {
		lg.add(lg.task, TypeProgress, 0, "Executing - 0 percent complete")
	}
	lg.extra(r, false)
}

func (lg *runLog) endMessages(r Rule, ok bool, d time.Duration) {
	lg.extra(r, true)
	if ok {
		if lg.level == 3 {
			lg.add(lg.task, TypeProgress, 0, "Executing - 100 percent complete")
		}
		lg.add(lg.task, TypePostExecute, 0, "")
		lg.add(lg.pkg, TypeInformation, 0, fmt.Sprintf("Package run finished: succeeded. Elapsed time: %s.", elapsed(d)))
		lg.add(lg.pkg, TypePostExecute, 0, "")
		return
	}
	lg.add(lg.task, TypeError, CodeTaskFailed, fmt.Sprintf(
		"The task failed: the emulator's rule for %s makes attempt %d of execution %d fail.",
		lg.pkgFile, lg.a.Number, lg.a.Exec.ExecutionID))
	lg.add(lg.task, TypeTaskFailed, 0, "")
	lg.add(lg.task, TypePostExecute, 0, "")
	lg.add(lg.pkg, TypeWarning, CodeMaxErrorReached,
		"The run raised 1 error, which reaches the maximum error count of 1 (MaximumErrorCount); the package fails.")
	lg.add(lg.pkg, TypeInformation, 0, fmt.Sprintf("Package run finished: failed. Elapsed time: %s.", elapsed(d)))
	lg.add(lg.pkg, TypePostExecute, 0, "")
}

func (lg *runLog) extra(r Rule, onEnd bool) {
	for _, m := range r.Messages {
		if m.OnEnd == onEnd {
			lg.add(lg.task, m.Type, m.Code, m.Text)
		}
	}
}

// elapsed renders a duration as hh:mm:ss.fff.
func elapsed(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}
