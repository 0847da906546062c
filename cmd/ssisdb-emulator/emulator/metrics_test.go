package emulator

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
)

// TestExecutionCollector: /metrics reports the catalog's executions by
// status, every status present (zero when none), from the counts the
// catalog keeps.
func TestExecutionCollector(t *testing.T) {
	cat := catalog.New(catalog.Options{})
	var st *catalog.State
	cat.ReadState(func(s *catalog.State) { st = s })
	statuses := []int32{7, 7, 4, 2, 7, 9}
	for i, status := range statuses {
		id := int64(i + 1)
		st.Operations[id] = &catalog.Operation{ID: id, Type: catalog.OpExecution, Status: status, Exec: &catalog.Execution{}}
	}
	st.Operations[99] = &catalog.Operation{ID: 99, Type: catalog.OpDeployProject, Status: 7} // not an execution
	st.NextOperationID = 100
	if err := cat.LoadState(st); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(&executionCollector{cat: cat})
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != ns+"_executions" {
			continue
		}
		for _, m := range mf.GetMetric() {
			got[m.GetLabel()[0].GetValue()] = m.GetGauge().GetValue()
		}
	}
	want := map[string]float64{"created": 0, "running": 1, "canceled": 0, "failed": 1, "pending": 0,
		"ended_unexpectedly": 0, "succeeded": 3, "stopping": 0, "completed": 1}
	if len(got) != len(want) {
		t.Fatalf("statuses reported: %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}
