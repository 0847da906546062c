package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulatortest"
)

func TestFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown flag", []string{"-colour"}, exitUsage, "flag provided but not defined"},
		{"bad report", []string{"-report", "xml"}, exitUsage, "-report must be text or json"},
		{"soak without metrics", []string{"-soak"}, exitUsage, "-soak needs -metrics"},
		{"argument", []string{"extra"}, exitUsage, `unexpected argument "extra"`},
		{"bad scenario", []string{"-addr", "127.0.0.1:1", "-scenario", "nope"}, exitFailed, "unknown scenario"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(context.Background(), c.args, &out, &errb); code != c.code {
				t.Errorf("exit %d, want %d; stderr %s", code, c.code, errb.String())
			}
			if !strings.Contains(errb.String(), c.want) {
				t.Errorf("stderr %q lacks %q", errb.String(), c.want)
			}
		})
	}
}

func TestJSONReport(t *testing.T) {
	srv := emulatortest.New(t)
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"-dsn", srv.DSN(), "-c", "2", "-count", "10", "-scenario", "rpc", "-report", "json"}, &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d; stderr %s; stdout %s", code, errb.String(), out.String())
	}
	var rep struct {
		Scenario   string                    `json:"scenario"`
		Iterations int64                     `json:"iterations"`
		Latency    map[string]map[string]any `json:"latency"`
		Final      struct {
			HandedOut int `json:"handed_out"`
			Final     int `json:"final"`
		} `json:"final"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if rep.Scenario != "rpc" || rep.Iterations != 10 || rep.Final.HandedOut != 10 || rep.Final.Final != 10 {
		t.Fatalf("report %+v", rep)
	}
	if _, ok := rep.Latency["rpc: start_execution"]["p99_ns"]; !ok {
		t.Fatalf("no p99 for start_execution: %v", rep.Latency)
	}
}
