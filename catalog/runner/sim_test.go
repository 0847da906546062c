package runner

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.yaml.in/yaml/v3"
)

var start = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func TestWildcard(t *testing.T) {
	cases := []struct {
		pattern, name string
		want          bool
	}{
		{"", "anything", true},
		{"*", "", true},
		{"package1.dtsx", "Package1.DTSX", true},
		{"package?.dtsx", "package7.dtsx", true},
		{"package?.dtsx", "package10.dtsx", false},
		{"load_*", "Load_Customers", true},
		{"*_nightly*", "etl_nightly_v2", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"*.dtsx", "x.dtsx.bak", false},
		{"[x]", "[x]", true}, // brackets are plain characters
		{"ü*", "Über", true},
		{"?", "", false},
		{"**", "ab", true},
		{"0*", "0*0", true}, // a * in the name is matched by the pattern's *, not literally
		{"a*", "a*", true},
		{"a?", "a?", true},
	}
	for _, c := range cases {
		if got := Wildcard(c.pattern, c.name); got != c.want {
			t.Errorf("Wildcard(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
	}
}

func info(folder, project, pkg string, level int) ExecInfo {
	return ExecInfo{ExecutionID: 42, FolderName: folder, ProjectName: project, PackageName: pkg, LoggingLevel: level}
}

func TestRuleMatching(t *testing.T) {
	sim, err := NewSim(Config{Rules: []Rule{
		{Folder: "etl", Project: "nightly", Package: "load_*", Outcome: Fail},
		{Folder: "etl", Package: "load_customers", Outcome: Hang}, // shadowed by the first for project nightly
		{Package: "slow?", Duration: 3 * time.Second},
		{Folder: "qa*", FailFirst: 2},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		e        ExecInfo
		attempt  int
		outcome  Outcome
		duration time.Duration
	}{
		{info("ETL", "Nightly", "Load_Customers.dtsx", 1), 1, Fail, 0},
		{info("etl", "weekly", "load_customers.dtsx", 1), 1, Hang, 0},
		{info("other", "p", "slow1.dtsx", 1), 1, Succeed, 3 * time.Second},
		{info("other", "p", "slow12.dtsx", 1), 1, Succeed, 0}, // default rule
		{info("qa-team", "p", "x.dtsx", 1), 1, Fail, 0},
		{info("qa-team", "p", "x.dtsx", 1), 2, Fail, 0},
		{info("qa-team", "p", "x.dtsx", 1), 3, Succeed, 0},
	}
	for i, c := range cases {
		p := sim.Plan(context.Background(), Attempt{Exec: c.e, Number: c.attempt, Start: start})
		if p.Outcome != c.outcome || p.Duration != c.duration {
			t.Errorf("case %d (%s/%s/%s attempt %d): %v %v, want %v %v", i, c.e.FolderName, c.e.ProjectName,
				c.e.PackageName, c.attempt, p.Outcome, p.Duration, c.outcome, c.duration)
		}
	}
}

func TestRulesAtRunTime(t *testing.T) {
	sim, err := NewSim(Config{})
	if err != nil {
		t.Fatal(err)
	}
	e := info("f", "p", "pkg.dtsx", 0)
	plan := func() Outcome { return sim.Plan(context.Background(), Attempt{Exec: e, Number: 1}).Outcome }
	if plan() != Succeed {
		t.Fatal("default is not succeed")
	}
	if err := sim.AddRule(Rule{Package: "pkg", Outcome: Fail}); err != nil {
		t.Fatal(err)
	}
	if plan() != Fail {
		t.Error("added rule not applied")
	}
	if err := sim.AddRule(Rule{Folder: "F", Outcome: Hang}); err != nil {
		t.Fatal(err)
	}
	if plan() != Hang {
		t.Error("newest rule does not win")
	}
	if n := sim.RemoveRules("f", "", ""); n != 1 || plan() != Fail {
		t.Errorf("RemoveRules removed %d", n)
	}
	if err := sim.SetRules([]Rule{{Duration: -time.Second}}); err == nil {
		t.Error("negative duration accepted")
	}
	if len(sim.Rules()) != 1 || plan() != Fail {
		t.Error("a rejected SetRules changed the rules")
	}
	bad := []Rule{{Outcome: 9}, {FailFirst: -1}, {Messages: []MessageRule{{Type: 55}}}}
	for _, r := range bad {
		if err := sim.AddRule(r); err == nil {
			t.Errorf("rule %+v accepted", r)
		}
	}
}

func TestConfigFromYAML(t *testing.T) {
	src := `
rules:
  - folder: etl
    package: "load_*"
    outcome: fail
    duration: 1500ms
    fail_first: 2
    messages:
      - type: 110
        text: disk nearly full
        code: -2147381246
      - text: rows loaded
        on_end: true
  - package: stuck.dtsx
    outcome: Hang
`
	var cfg Config
	if err := yaml.Unmarshal([]byte(src), &cfg); err != nil {
		t.Fatal(err)
	}
	sim, err := NewSim(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rs := sim.Rules()
	if len(rs) != 2 {
		t.Fatalf("%d rules", len(rs))
	}
	r := rs[0]
	if r.Outcome != Fail || r.Duration != 1500*time.Millisecond || r.FailFirst != 2 || r.Task != DefaultTask ||
		len(r.Messages) != 2 || r.Messages[0].Type != TypeWarning || r.Messages[1].Type != TypeInformation || !r.Messages[1].OnEnd {
		t.Errorf("rule 1 %+v", r)
	}
	if rs[1].Outcome != Hang {
		t.Errorf("rule 2 %+v", rs[1])
	}
	out, err := yaml.Marshal(cfg)
	if err != nil || !strings.Contains(string(out), "outcome: fail") {
		t.Errorf("marshal: %v\n%s", err, out)
	}
	var bad Config
	if err := yaml.Unmarshal([]byte("rules:\n  - outcome: explode\n"), &bad); err == nil {
		t.Error("unknown outcome accepted")
	}
}

// summary lists "event/source" for each message.
func summary(msgs []EventMessage) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.EventName+"/"+m.SourceName)
	}
	return out
}

func TestMessagesByLevel(t *testing.T) {
	sim, err := NewSim(Config{Rules: []Rule{
		{Package: "bad*", Outcome: Fail, Duration: 2 * time.Second},
		{Package: "good*", Duration: time.Second, Messages: []MessageRule{
			{Type: TypeWarning, Text: "low disk", Code: 7},
			{Type: TypeInformation, Text: "1000 rows", OnEnd: true},
		}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		pkg        string
		level      int
		start, end string
	}{
		{"good.dtsx", 0, "", ""},
		{"good.dtsx", 1,
			"OnPreValidate/good OnPreValidate/Execute SQL Task OnPostValidate/Execute SQL Task OnPostValidate/good OnPreExecute/good OnInformation/good OnPreExecute/Execute SQL Task OnWarning/Execute SQL Task",
			"OnInformation/Execute SQL Task OnPostExecute/Execute SQL Task OnInformation/good OnPostExecute/good"},
		{"good.dtsx", 2, "OnWarning/Execute SQL Task", ""},
		{"good.dtsx", 3,
			"OnPreValidate/good OnPreValidate/Execute SQL Task OnPostValidate/Execute SQL Task OnPostValidate/good OnPreExecute/good OnInformation/good OnPreExecute/Execute SQL Task OnProgress/Execute SQL Task OnWarning/Execute SQL Task",
			"OnInformation/Execute SQL Task OnProgress/Execute SQL Task OnPostExecute/Execute SQL Task OnInformation/good OnPostExecute/good"},
		{"bad.dtsx", 1,
			"OnPreValidate/bad OnPreValidate/Execute SQL Task OnPostValidate/Execute SQL Task OnPostValidate/bad OnPreExecute/bad OnInformation/bad OnPreExecute/Execute SQL Task",
			"OnError/Execute SQL Task OnTaskFailed/Execute SQL Task OnPostExecute/Execute SQL Task OnWarning/bad OnInformation/bad OnPostExecute/bad"},
		{"bad.dtsx", 2, "", "OnError/Execute SQL Task OnWarning/bad"},
		{"bad.dtsx", 100, // customized: simulated as basic
			"OnPreValidate/bad OnPreValidate/Execute SQL Task OnPostValidate/Execute SQL Task OnPostValidate/bad OnPreExecute/bad OnInformation/bad OnPreExecute/Execute SQL Task",
			"OnError/Execute SQL Task OnTaskFailed/Execute SQL Task OnPostExecute/Execute SQL Task OnWarning/bad OnInformation/bad OnPostExecute/bad"},
	}
	for _, c := range cases {
		a := Attempt{Exec: info("f", "p", c.pkg, c.level), Number: 1, Machine: "W1", Account: `NT Service\SSISScaleOutWorker140`, Start: start}
		p := sim.Plan(context.Background(), a)
		if got := strings.Join(summary(p.Start), " "); got != c.start {
			t.Errorf("%s level %d start:\n got %s\nwant %s", c.pkg, c.level, got, c.start)
		}
		if got := strings.Join(summary(p.End), " "); got != c.end {
			t.Errorf("%s level %d end:\n got %s\nwant %s", c.pkg, c.level, got, c.end)
		}
		for _, m := range p.Start {
			if !m.Time.Equal(start) {
				t.Errorf("start message at %v", m.Time)
			}
		}
		for _, m := range p.End {
			if !m.Time.Equal(start.Add(p.Duration)) {
				t.Errorf("end message at %v, want start+%v", m.Time, p.Duration)
			}
		}
	}
}

func TestMessageFields(t *testing.T) {
	sim, err := NewSim(Config{Rules: []Rule{{Outcome: Fail, Duration: 1234 * time.Millisecond, Task: "Load Rows"}}})
	if err != nil {
		t.Fatal(err)
	}
	a := Attempt{Exec: info("Finance", "Ledger", "Post.dtsx", 1), Number: 2, Machine: "NODE7", Account: `CORP\svc`, Start: start}
	p := sim.Plan(context.Background(), a)
	all := append(append([]EventMessage(nil), p.Start...), p.End...)
	guids := map[uuid.UUID]bool{}
	var pkgID, taskID string
	for _, m := range all {
		if m.PackageName != "Post.dtsx" || m.GUID == uuid.Nil || guids[m.GUID] || m.ThreadID < 1000 || m.EventName != EventName(m.MessageType) {
			t.Errorf("message %+v", m)
		}
		guids[m.GUID] = true
		if len(m.SourceID) != 38 || m.SourceID[0] != '{' || m.SourceID != strings.ToUpper(m.SourceID) {
			t.Errorf("source id %q", m.SourceID)
		}
		switch m.MessageSourceType {
		case SourcePackage:
			if m.SourceName != "Post" || m.PackagePath != `\Package` || m.ExecutionPath != `\Post` {
				t.Errorf("package message %+v", m)
			}
			pkgID = m.SourceID
		case SourceTask:
			if m.SourceName != "Load Rows" || m.PackagePath != `\Package\Load Rows` || m.ExecutionPath != `\Post\Load Rows` {
				t.Errorf("task message %+v", m)
			}
			taskID = m.SourceID
		default:
			t.Errorf("source type %d", m.MessageSourceType)
		}
		if !strings.HasPrefix(m.Message, m.SourceName+":") {
			t.Errorf("message text %q lacks its source prefix", m.Message)
		}
	}
	if pkgID == taskID {
		t.Error("package and task share an id")
	}
	var errMsg, info EventMessage
	for _, m := range p.End {
		switch m.MessageType {
		case TypeError:
			errMsg = m
		case TypeInformation:
			info = m
		}
	}
	if errMsg.MessageCode != CodeTaskFailed || !strings.HasPrefix(errMsg.Message, "Load Rows:Error: ") {
		t.Errorf("error message %+v", errMsg)
	}
	if !strings.Contains(info.Message, "Elapsed time: 00:00:01.234.") {
		t.Errorf("finish message %q", info.Message)
	}
	if !strings.Contains(p.Start[5].Message, "NODE7") || !strings.Contains(p.Start[5].Message, `CORP\svc`) || !strings.Contains(p.Start[5].Message, "attempt 2") {
		t.Errorf("start message %q", p.Start[5].Message)
	}
	// Ids are stable from run to run, as a real package's are.
	p2 := sim.Plan(context.Background(), a)
	if p2.Start[0].SourceID != pkgID {
		t.Error("package id changed between runs")
	}
}

func TestHangAndStopped(t *testing.T) {
	sim, err := NewSim(Config{Rules: []Rule{{Outcome: Hang}}})
	if err != nil {
		t.Fatal(err)
	}
	a := Attempt{Exec: info("f", "p", "x.dtsx", 1), Number: 1, Start: start}
	p := sim.Plan(context.Background(), a)
	if p.Outcome != Hang || p.End != nil || len(p.Start) == 0 {
		t.Errorf("hang plan %+v", p)
	}
	at := start.Add(90 * time.Second)
	got := summary(sim.Stopped(a, at))
	want := "OnInformation/x OnPostExecute/Execute SQL Task OnInformation/x OnPostExecute/x"
	if strings.Join(got, " ") != want {
		t.Errorf("stopped: %v", got)
	}
	if msgs := sim.Stopped(Attempt{Exec: info("f", "p", "x.dtsx", 0)}, at); msgs != nil {
		t.Error("level 0 logged a stop")
	}
	if strings.Contains(sim.Stopped(a, at)[2].Message, "00:01:30.000") == false {
		t.Error("elapsed time of the stopped run")
	}
}

func TestOutcomeText(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Outcome
	}{{"succeed", Succeed}, {"Success", Succeed}, {"FAILED", Fail}, {" hang ", Hang}} {
		if got, err := ParseOutcome(c.in); err != nil || got != c.want {
			t.Errorf("ParseOutcome(%q) = %v, %v", c.in, got, err)
		}
	}
	if _, err := ParseOutcome("maybe"); err == nil {
		t.Error("ParseOutcome accepted maybe")
	}
	if _, err := Outcome(0).MarshalText(); err == nil {
		t.Error("zero outcome marshalled")
	}
}
