package store

import (
	"encoding/json"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
)

// sequencesV1 is the "sequences" setting as schema version 1 writes it: one
// flat JSON object. Data directories hold it, so its form must not change.
const sequencesV1 = `{"NextOperationID":101,"NextFolderID":102,"NextProjectID":103,"NextPackageID":104,"NextParamID":105,` +
	`"NextEnvironmentID":106,"NextVariableID":107,"NextReferenceID":108,"NextExecParamID":109,` +
	`"NextPropertyID":110,"NextMessageID":111,"NextContextID":112,"NextExecutableID":113,"NextLSN":114,` +
	`"NextStatisticsID":115,"NextLevelID":116,"NextServerPrincipalID":317,"PrincipalGen":18}`

// TestSequencesFormat: the saved counters decode into the State and encode
// back to the same bytes.
func TestSequencesFormat(t *testing.T) {
	var q sequences
	if err := json.Unmarshal([]byte(sequencesV1), &q); err != nil {
		t.Fatal(err)
	}
	var st catalog.State
	q.apply(&st)
	want := catalog.Sequences{
		NextOperationID: 101, NextFolderID: 102, NextProjectID: 103, NextPackageID: 104, NextParamID: 105,
		NextEnvironmentID: 106, NextVariableID: 107, NextReferenceID: 108, NextExecParamID: 109,
		NextPropertyID: 110, NextMessageID: 111, NextContextID: 112, NextExecutableID: 113, NextLSN: 114,
		NextStatisticsID: 115, NextLevelID: 116, NextServerPrincipalID: 317,
	}
	if st.Sequences != want || st.PrincipalGen != 18 {
		t.Errorf("decoded %+v gen %d, want %+v gen 18", st.Sequences, st.PrincipalGen, want)
	}
	got, err := json.Marshal(sequencesOf(&st))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != sequencesV1 {
		t.Errorf("encoded\n%s\nwant\n%s", got, sequencesV1)
	}
}
