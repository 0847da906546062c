package soak

import (
	"context"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulatortest"
	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-load/load"
)

func TestParseExposition(t *testing.T) {
	text := `# HELP go_goroutines Number of goroutines.
# TYPE go_goroutines gauge
go_goroutines 42
process_resident_memory_bytes 1.2345e+07
ssisdb_emulator_errors_total{number="208"} 3
ssisdb_emulator_errors_total{number="27190"} 2
ssisdb_emulator_tds_requests_total{kind="rpc"} 10 1700000000000
weird{path="a} b"} 7
`
	m, err := parseExposition(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		key  string
		want float64
	}{
		{"go_goroutines", 42},
		{"process_resident_memory_bytes", 12345000},
		{`ssisdb_emulator_errors_total{number="208"}`, 3},
		{`ssisdb_emulator_tds_requests_total{kind="rpc"}`, 10},
		{`weird{path="a} b"}`, 7},
	}
	for _, c := range cases {
		if got := m[c.key]; got != c.want {
			t.Errorf("%s = %v, want %v", c.key, got, c.want)
		}
	}
	if got := m.sum("ssisdb_emulator_errors_total"); got != 5 {
		t.Errorf("sum of errors_total = %v, want 5", got)
	}
	if _, err := parseExposition(strings.NewReader("novalue\n")); err == nil {
		t.Error("a line without a value was accepted")
	}
	if _, err := parseExposition(strings.NewReader("x{a=\"b\"} notanumber\n")); err == nil {
		t.Error("a non-numeric value was accepted")
	}
}

func TestParseVmRSS(t *testing.T) {
	got, err := parseVmRSS(strings.NewReader("Name:\tx\nVmPeak:\t  9999 kB\nVmRSS:\t   20480 kB\nThreads:\t5\n"))
	if err != nil || got != 20480<<10 {
		t.Fatalf("got %d, %v; want %d", got, err, 20480<<10)
	}
	if _, err := parseVmRSS(strings.NewReader("Name:\tx\n")); err == nil {
		t.Fatal("no VmRSS line accepted")
	}
}

func TestFlatUnderLoad(t *testing.T) {
	mk := func(vals ...int64) []Sample {
		var out []Sample
		for _, v := range vals {
			out = append(out, Sample{Phase: "load", Goroutines: v})
		}
		return out
	}
	g := func(s Sample) int64 { return s.Goroutines }
	cases := []struct {
		name string
		s    []Sample
		want bool
	}{
		{"flat", mk(400, 410, 405, 402, 408, 404, 406, 403, 405), true},
		{"noisy but flat", mk(400, 430, 390, 420, 395, 425, 400, 428, 397), true},
		{"growing", mk(400, 500, 600, 700, 800, 900, 1000, 1100, 1200), false},
		{"too short to judge", mk(1, 1000), true},
	}
	for _, c := range cases {
		if got := flatUnderLoad(c.s, g); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestSVGIsWellFormed(t *testing.T) {
	var samples []Sample
	for i := range 50 {
		ph := "load"
		if i < 5 {
			ph = "idle"
		} else if i > 40 {
			ph = "settle"
		}
		samples = append(samples, Sample{At: time.Duration(i) * 5 * time.Second, Phase: ph, RSS: int64(30+i) << 20,
			HeapInuse: int64(10+i/2) << 20, Goroutines: int64(20 + i), Connections: int64(i % 7), Executions: int64(i * 1000)})
	}
	for _, c := range []struct {
		name    string
		samples []Sample
	}{{"samples", samples}, {"none", nil}} {
		svg := drawSVG(c.samples, [2]time.Duration{25 * time.Second, 200 * time.Second}, 205*time.Second)
		dec := xml.NewDecoder(strings.NewReader(string(svg)))
		polylines := 0
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: not well-formed XML: %v", c.name, err)
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "polyline" {
				polylines++
			}
		}
		want := 0
		if len(c.samples) > 0 {
			want = 5
		}
		if polylines != want {
			t.Errorf("%s: %d lines drawn, want %d", c.name, polylines, want)
		}
	}
}

// TestSoakAgainstAnEmulator runs a short soak: the checks that do not
// depend on the garbage collector's timing (errors, executions, and the
// server's counters against the clients') must pass, and the samples must
// cover the phases.
func TestSoakAgainstAnEmulator(t *testing.T) {
	srv := emulatortest.New(t, emulatortest.WithHTTP())
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sk := New(Config{MetricsURL: "http://" + srv.HTTPAddr() + "/metrics", Interval: 50 * time.Millisecond,
		Settle: 200 * time.Millisecond, Reset: true, ResetDSN: srv.DSN()})
	if err := sk.Start(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := load.Run(ctx, load.Config{DSN: srv.DSN(), Connections: 4, Count: 60, Scenario: load.ScenarioMix,
		AroundLoad: sk.Mark, PollPackageDuration: 5 * time.Millisecond, PollInterval: time.Millisecond, Setup: true})
	if err != nil {
		t.Fatal(err)
	}
	v := sk.Finish(ctx, rep)
	must := map[string]bool{"no errors": false, "every execution final": false, "requests counted alike": false,
		"errors counted alike": false, "executions counted alike": false, "connections closed": false}
	for _, c := range v.Checks {
		if _, ok := must[c.Name]; ok {
			must[c.Name] = true
			if !c.Pass {
				t.Errorf("check %q failed: %s", c.Name, c.Detail)
			}
		}
	}
	for name, seen := range must {
		if !seen {
			t.Errorf("check %q missing from the verdict", name)
		}
	}
	phases := map[string]bool{}
	for _, s := range v.Samples {
		phases[s.Phase] = true
		if s.RSS <= 0 || s.Goroutines <= 0 {
			t.Fatalf("sample without figures: %+v", s)
		}
	}
	for _, p := range []string{"idle", "load", "check", "settle"} {
		if !phases[p] {
			t.Errorf("no sample in phase %s", p)
		}
	}
	var out strings.Builder
	if err := v.WriteText(&out); err != nil || !strings.Contains(out.String(), "requests counted alike") {
		t.Errorf("text verdict: %v\n%s", err, out.String())
	}
	if len(sk.SVG()) == 0 {
		t.Error("empty SVG")
	}
}
