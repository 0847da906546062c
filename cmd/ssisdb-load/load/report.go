package load

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// WriteJSON writes the report as one indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for a person: totals, a latency table in
// milliseconds, the errors by number and the final check.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "scenario %s, %d connections (opened in %s), %s\n", r.Scenario, r.Connections,
		r.ConnectTime.Round(time.Millisecond), r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(&b, "iterations %d (%.1f/s), requests %d, executions handed out %d (%.1f/s)\n",
		r.Iterations, r.IterationsPerSec, r.Requests, r.Final.HandedOut, r.ExecutionsPerSec)
	names := make([]string, 0, len(r.Latency))
	for k := range r.Latency {
		names = append(names, k)
	}
	slices.Sort(names)
	fmt.Fprintf(&b, "\n%-38s %9s %9s %9s %9s %9s %9s %9s\n", "latency (ms)", "count", "mean", "p50", "p90", "p99", "p99.9", "max")
	for _, k := range names {
		l := r.Latency[k]
		fmt.Fprintf(&b, "%-38s %9d %9s %9s %9s %9s %9s %9s\n", k, l.Count, ms(l.Mean), ms(l.P50), ms(l.P90),
			ms(l.P99), ms(l.P999), ms(l.Max))
	}
	fmt.Fprintf(&b, "\nerrors: %d", r.ErrorsTotal)
	if r.ErrorsTotal > 0 {
		keys := make([]string, 0, len(r.Errors))
		for k := range r.Errors {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "\n  %-30s %d", k, r.Errors[k])
		}
	}
	b.WriteString("\n")
	if len(r.SkippedReports) > 0 {
		b.WriteString("reporting queries the server refused (left out of the mix):\n")
		keys := make([]string, 0, len(r.SkippedReports))
		for k := range r.SkippedReports {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "  %s: %s\n", k, firstLine(r.SkippedReports[k]))
		}
	}
	f := r.Final
	verdict := "PASS"
	if !f.OK() {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "final check: %s: %d of %d executions final (waited %s)", verdict, f.Final, f.HandedOut,
		f.Waited.Round(time.Millisecond))
	if len(f.ByStatus) > 0 {
		st := make([]int64, 0, len(f.ByStatus))
		for s := range f.ByStatus {
			st = append(st, s)
		}
		slices.Sort(st)
		b.WriteString("; by status:")
		for _, s := range st {
			fmt.Fprintf(&b, " %d=%d", s, f.ByStatus[s])
		}
	}
	b.WriteString("\n")
	if f.NotFinalCount > 0 {
		fmt.Fprintf(&b, "  %d not final, e.g. %v\n", f.NotFinalCount, f.NotFinal)
	}
	if f.MissingCount > 0 {
		fmt.Fprintf(&b, "  %d not found in catalog.executions, e.g. %v\n", f.MissingCount, f.Missing)
	}
	if f.Err != "" {
		fmt.Fprintf(&b, "  %s\n", f.Err)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond)) }

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
