package scaleout

import (
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestConfigFromYAML(t *testing.T) {
	src := `
timing:
  mode: realistic
  time_factor: 0.5
  task_heartbeat_interval: 20s
workers:
  - id: 64c020e2-f819-4c2d-a22f-efb31a91e70a
    enabled: true
    machine_name: WORKER01
    max_task_count: 4
  - id: 6583054A-E915-4C2A-80E4-C765E79EF61D
    offline: true
`
	var cfg Config
	if err := yaml.Unmarshal([]byte(src), &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Workers) != 2 || cfg.Workers[0].ID != w1 || cfg.Workers[1].ID != w2 || cfg.Workers[0].MaxTaskCount != 4 || !cfg.Workers[1].Offline {
		t.Fatalf("workers %+v", cfg.Workers)
	}
	tm, err := cfg.Timing.resolve()
	if err != nil {
		t.Fatal(err)
	}
	want := timing{realistic: true, pull: 500 * time.Millisecond, taskBeat: 10 * time.Second, agentBeat: 30 * time.Second,
		lease: 150 * time.Second, tolerate: 5 * time.Minute, sweep: 150 * time.Second, cleanup: 6 * time.Hour, keep: 30 * time.Minute}
	if tm != want {
		t.Errorf("timing\n got %+v\nwant %+v", tm, want)
	}
	if _, err := New(cfg, clockFake(), newSink(), simNoRules(t), nil); err != nil {
		t.Fatal(err)
	}
}
