package procs

import (
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/procs/scripttest"
)

// TestScripts runs the script tests in process; procs/ssisdb runs the same
// files over the wire.
func TestScripts(t *testing.T) {
	for file, cases := range scripttest.Load(t, "testdata/scripts") {
		for _, tc := range cases {
			t.Run(file+"/"+tc.Name, func(t *testing.T) {
				s := testSession(t, Config{})
				for _, b := range tc.Setup {
					if _, err := runBatch(t, s, b); err != nil {
						t.Fatalf("setup: %v", err)
					}
				}
				r, err := runBatch(t, s, tc.SQL)
				if err != nil {
					t.Fatalf("batch: %v", err)
				}
				scripttest.Check(t, tc, r.Outcome())
			})
		}
	}
}
