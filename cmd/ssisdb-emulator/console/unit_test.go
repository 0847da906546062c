package console

import (
	"strings"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestTimelineBuckets(t *testing.T) {
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	ex := []exec{
		{ID: 1, Status: statusSucceeded, Created: at(0), Start: at(1)},
		{ID: 2, Status: statusSucceeded, Created: at(2), Start: at(3)},
		{ID: 3, Status: statusFailed, Created: at(4), Start: at(4)},
		{ID: 4, Status: statusPending, Created: at(61), Start: at(61)},
		{ID: 5, Status: statusCreated, Created: at(62)}, // never started: counted at its creation
	}
	ch := timeline(ex, time.Time{}, time.Time{}, at(70))
	if ch == nil {
		t.Fatal("no chart")
	}
	if ch.Step != "5 minutes" {
		t.Fatalf("step %q for a 70-minute span", ch.Step)
	}
	if len(ch.Bars) != 15 {
		t.Fatalf("%d bars, want 15 (09:00..10:10)", len(ch.Bars))
	}
	wantTitles := map[int]string{
		0:  "2026-03-02 09:00:00: 2 Succeeded, 1 Failed",
		12: "2026-03-02 10:00:00: 1 Running or pending, 1 Other",
		1:  "2026-03-02 09:05:00: none",
	}
	for i, want := range wantTitles {
		if got := ch.Bars[i].Title; got != want {
			t.Errorf("bar %d: %q, want %q", i, got, want)
		}
	}
	// Segments stack from the bottom and the tallest bar fills the scale.
	b := ch.Bars[0]
	if len(b.Segs) != 2 || b.Segs[0].Class != "s-ok" || b.Segs[1].Class != "s-bad" {
		t.Fatalf("segments %+v", b.Segs)
	}
	if b.Segs[0].Y+b.Segs[0].H != ch.Bottom || b.Segs[1].Y+b.Segs[1].H != b.Segs[0].Y {
		t.Errorf("segments do not stack: %+v bottom %v", b.Segs, ch.Bottom)
	}
	top := ch.YTicks[len(ch.YTicks)-1]
	if top.Label != "3" || top.Pos != ch.PlotY {
		t.Errorf("top tick %+v", top)
	}
	if len(ch.XLabels) != 3 {
		t.Errorf("x labels %+v", ch.XLabels)
	}
	// One execution a minute ago: a dozen one-minute buckets ending now.
	short := timeline(ex[:1], time.Time{}, time.Time{}, at(2))
	if len(short.Bars) != minBuckets || short.Step != "minute" || !strings.HasSuffix(short.Bars[minBuckets-2].Title, "1 Succeeded") {
		t.Errorf("short span: %d bars of a %s, last %q", len(short.Bars), short.Step, short.Bars[minBuckets-2].Title)
	}
	if timeline(nil, time.Time{}, time.Time{}, t0) != nil {
		t.Error("a chart for no executions")
	}
	// A filter's range is the chart's range; a long one takes bigger steps.
	week := timeline(ex, t0.Add(-7*24*time.Hour), t0.Add(time.Hour), t0)
	if week.Step != "6 hours" || len(week.Bars) > maxBuckets+1 {
		t.Errorf("a week: step %q, %d bars", week.Step, len(week.Bars))
	}
}

func TestNiceStep(t *testing.T) {
	for top, want := range map[int]int{1: 1, 5: 1, 6: 2, 10: 2, 11: 5, 25: 5, 26: 10, 1000: 200} {
		if got := niceStep(top); got != want {
			t.Errorf("niceStep(%d) = %d, want %d", top, got, want)
		}
	}
}

func TestDurations(t *testing.T) {
	run := func(pkg string, secs int) exec {
		return exec{Folder: "f", Project: "p", Package: pkg, Start: t0, End: t0.Add(time.Duration(secs) * time.Second), Status: statusSucceeded}
	}
	ch := durations([]exec{run("a.dtsx", 10), run("a.dtsx", 30), run("b.dtsx", 60), run("c.dtsx", 1),
		{Package: "running.dtsx", Start: t0, Status: statusRunning}})
	if ch == nil || len(ch.Rows) != 3 {
		t.Fatalf("rows %+v", ch)
	}
	if ch.Rows[0].Full != "f/p/b.dtsx" || ch.Rows[1].Full != "f/p/a.dtsx" || ch.Rows[2].Full != "f/p/c.dtsx" {
		t.Errorf("order %q %q %q, want slowest first", ch.Rows[0].Full, ch.Rows[1].Full, ch.Rows[2].Full)
	}
	a := ch.Rows[1]
	if a.Text != "avg 20.0 s · max 30.0 s · 2 runs" || a.Count != 2 {
		t.Errorf("a: %q", a.Text)
	}
	// b is the longest run: its whisker ends at the end of the axis.
	if ch.Rows[0].MaxX != ch.BarX+ch.BarW || a.MinX >= a.MaxX || a.AvgW <= 0 {
		t.Errorf("geometry %+v %+v", ch.Rows[0], a)
	}
	if durations([]exec{{Status: statusPending}}) != nil {
		t.Error("a chart without finished runs")
	}
	var many []exec
	for i := range 20 {
		many = append(many, run(strings.Repeat("x", i+1)+".dtsx", i+1))
	}
	if ch := durations(many); len(ch.Rows) != maxDurationRows || ch.Packages != 20 {
		t.Errorf("%d rows of %d packages", len(ch.Rows), ch.Packages)
	}
}

func TestParseParam(t *testing.T) {
	cases := []struct {
		ssis, in string
		kind     sqltype.Kind
		out      string
		err      string
	}{
		{"String", "  keep spaces ", sqltype.NVarChar, "  keep spaces ", ""},
		{"Boolean", "True", sqltype.Bit, "1", ""},
		{"Boolean", "false", sqltype.Bit, "0", ""},
		{"Boolean", "maybe", 0, "", `"maybe" is not True or False`},
		{"Int32", "42", sqltype.Int, "42", ""},
		{"Int32", "4.5", 0, "", "Msg 245"},
		{"Int16", "70000", 0, "", "Msg 244"},
		{"Byte", "255", sqltype.TinyInt, "255", ""},
		{"Int64", "9000000000", sqltype.BigInt, "9000000000", ""},
		{"UInt64", "18446744073709551615", sqltype.Decimal, "18446744073709551615", ""},
		{"Double", "2.5", sqltype.Float, "2.5", ""},
		{"Decimal", "12.345", sqltype.Decimal, "12.345", ""},
		{"DateTime", "2026-03-02T10:30", sqltype.DateTime2, "2026-03-02 10:30:00.0000000", ""},
		{"DateTime", "soon", 0, "", "Msg 241"},
		{"Int32", "", 0, "", "a value is required"},
	}
	for _, tc := range cases {
		v, err := parseParam(tc.ssis, tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s %q: err %v, want %q", tc.ssis, tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || v.Kind() != tc.kind || sqltype.Format(v) != tc.out {
			t.Errorf("%s %q = %v %q (%v), want %v %q", tc.ssis, tc.in, v.Kind(), sqltype.Format(v), err, tc.kind, tc.out)
		}
	}
}

func TestSQLLiteral(t *testing.T) {
	cases := []struct {
		v    sqltype.Value
		want string
	}{
		{sqltype.NewInt(5), "5"},
		{sqltype.NewSmallInt(3), "CAST(3 AS smallint)"},
		{sqltype.NewBit(true), "CAST(1 AS bit)"},
		{sqltype.NewNVarChar("it's"), "N'it''s'"},
		{sqltype.Value{}, "NULL"},
	}
	for _, tc := range cases {
		if got := sqlLiteral(tc.v, false); got != tc.want {
			t.Errorf("sqlLiteral(%s) = %s, want %s", sqltype.Format(tc.v), got, tc.want)
		}
	}
	if got := sqlLiteral(sqltype.NewNVarChar("secret"), true); strings.Contains(got, "secret") {
		t.Errorf("a sensitive value is shown: %s", got)
	}
}

func TestSessionStore(t *testing.T) {
	clk := clock.NewFake(t0)
	s := newSessionStore(clk, time.Hour, 3)
	anon := s.create("", nil)
	a := s.create("a", []byte{1})
	if a.id == anon.id || a.csrf == a.id || len(a.id) < 26 {
		t.Fatalf("weak ids: %q %q", a.id, a.csrf)
	}
	clk.Advance(30 * time.Minute)
	if s.get(a.id) == nil {
		t.Fatal("expired early")
	}
	clk.Advance(59 * time.Minute) // a was used 59 minutes ago: still alive
	if s.get(a.id) == nil {
		t.Fatal("idle time is not sliding")
	}
	if s.get(anon.id) != nil {
		t.Fatal("a sign-in form session outlived an hour")
	}
	// Full store: the sign-in form's session goes first, then the idlest.
	f := s.create("", nil)
	b := s.create("b", nil)
	c := s.create("c", nil)
	if s.get(f.id) != nil || s.get(a.id) == nil || s.get(b.id) == nil || s.get(c.id) == nil || s.len() != 3 {
		t.Fatalf("eviction kept the wrong sessions (%d left)", s.len())
	}
	clk.Advance(time.Minute)
	s.get(b.id)
	s.get(c.id)
	s.create("d", nil)
	if s.get(a.id) != nil {
		t.Error("the idlest signed-in session should go when the store is full")
	}
	s.delete(b.id)
	if s.get(b.id) != nil || s.get("") != nil || s.get("nope") != nil {
		t.Error("deleted or unknown ids resolve")
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/workers": "/workers", "/executions?status=4": "/executions?status=4", "": "/executions",
		"//evil.example": "/executions", "https://x": "/executions", `/\x`: "/executions", "/a\r\nb": "/executions",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestZoneName(t *testing.T) {
	if got := zoneName(t0); got != "UTC+00:00" {
		t.Errorf("%q", got)
	}
	if got := zoneName(t0.In(time.FixedZone("", -7*3600))); got != "UTC-07:00" {
		t.Errorf("%q", got)
	}
	if got := zoneName(t0.In(time.FixedZone("CET", 3600))); got != "CET (UTC+01:00)" {
		t.Errorf("%q", got)
	}
}
