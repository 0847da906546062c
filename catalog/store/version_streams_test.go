package store

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// versionData reads internal.object_versions: each kept version's .ispac
// by LSN, as the catalog serves it.
func (n *node) versionData() map[int64][]byte {
	n.t.Helper()
	src, ok := n.c.View(catalog.SSISDB, "internal", "object_versions", n.sa)
	if !ok {
		n.t.Fatal("no internal.object_versions")
	}
	lsnCol := slices.IndexFunc(src.Columns(), func(c rows.Column) bool { return c.Name == "object_version_lsn" })
	dataCol := slices.IndexFunc(src.Columns(), func(c rows.Column) bool { return c.Name == "object_data" })
	out := map[int64][]byte{}
	n.ok(src.Scan(n.ctx, func(r rows.Row) bool {
		out[r[lsnCol].Int64()] = r[dataCol].Bytes()
		return true
	}))
	return out
}

// projectLSN is the LSN of the project's current version.
func (n *node) projectLSN(folder, project string) (id, lsn int64) {
	n.t.Helper()
	src, _ := n.c.View(catalog.SSISDB, "catalog", "projects", n.sa)
	cols := src.Columns()
	n.ok(src.Scan(n.ctx, func(r rows.Row) bool {
		row := map[string]sqltype.Value{}
		for i, c := range cols {
			row[c.Name] = r[i]
		}
		if row["name"].Str() == project {
			id, lsn = row["project_id"].Int64(), row["object_version_lsn"].Int64()
			return false
		}
		return true
	}))
	if id == 0 {
		n.t.Fatalf("no project %s", project)
	}
	return id, lsn
}

// deploy deploys data as folder/project and returns the new version's LSN.
func (n *node) deploy(folder, project string, data []byte) int64 {
	n.t.Helper()
	_, err := n.c.DeployProject(n.ctx, nil, n.sa, str(folder), str(project), data)
	n.ok(err)
	_, lsn := n.projectLSN(folder, project)
	return lsn
}

// storedVersions reads project_version_streams: LSN -> bytes, of one
// project (id > 0) or of all.
func storedVersions(t *testing.T, db *sql.DB, id int64) map[int64][]byte {
	t.Helper()
	rs, err := db.Query(`SELECT project_id, lsn, stream FROM project_version_streams`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	out := map[int64][]byte{}
	for rs.Next() {
		var pid, lsn int64
		var data []byte
		if err := rs.Scan(&pid, &lsn, &data); err != nil {
			t.Fatal(err)
		}
		if id == 0 || pid == id {
			out[lsn] = data
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// projectRecord is the projects row of id.
func projectRecord(t *testing.T, db *sql.DB, id int64) []byte {
	t.Helper()
	var data []byte
	if err := db.QueryRow(`SELECT data FROM projects WHERE id = ?`, id).Scan(&data); err != nil {
		t.Fatal(err)
	}
	return data
}

func sameVersions(t *testing.T, what string, got, want map[int64][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: versions %v, want %v", what, slices.Sorted(mapKeys(got)), slices.Sorted(mapKeys(want)))
	}
	for lsn, w := range want {
		if g, ok := got[lsn]; !ok || !bytes.Equal(g, w) {
			t.Errorf("%s: version %d: %d bytes (present %v), want the %d deployed", what, lsn, len(g), ok, len(w))
		}
	}
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestVersionStreamsRoundTrip: three deployed versions are written once
// each to project_version_streams; a parameter change writes the
// project's record (metadata only) and no .ispac; after a reload every
// version's bytes come back, and restore_project can go to each of them,
// also back to the version that was current when the file was written.
func TestVersionStreamsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	a := newNode(t, dir, clk, nodeConfig{})
	_, err := a.c.CreateFolder(a.ctx, nil, a.sa, str("f"))
	a.ok(err)
	want := map[int64][]byte{}
	var lsns []int64
	for i := range 3 {
		data := largeIspacOf(t, "p", "pkg.dtsx", 64<<10, uint64(i))
		lsn := a.deploy("f", "p", data)
		want[lsn] = data
		lsns = append(lsns, lsn)
	}
	id, _ := a.projectLSN("f", "p")
	sameVersions(t, "table after deploys", storedVersions(t, a.s.db, id), want)

	before := a.s.rowsQueued.Load()
	_, err = a.c.SetObjectParameterValue(a.ctx, nil, a.sa, i16(20), str("f"), str("p"), str("Environment"), sqltype.NewNVarChar("prod"), nil, nil)
	a.ok(err)
	if n := a.s.rowsQueued.Load() - before; n > 3 {
		t.Errorf("set_object_parameter_value queued %d rows with 3 kept versions", n)
	}
	if rec := projectRecord(t, a.s.db, id); len(rec) > 16<<10 {
		t.Errorf("the project's record is %d bytes: it still carries .ispac", len(rec))
	}
	snap := a.snapshot()
	a.stop()

	b := reload(t, dir, clk, nodeConfig{})
	diffSnapshots(t, snap, b.snapshot())
	sameVersions(t, "internal.object_versions after reload", b.versionData(), want)
	for _, lsn := range []int64{lsns[0], lsns[2], lsns[1]} {
		_, err := b.c.RestoreProject(b.ctx, nil, b.sa, str("f"), str("p"), i64(lsn))
		b.ok(err)
		got, err := b.c.GetProject(b.ctx, b.sa, str("f"), str("p"))
		b.ok(err)
		if !bytes.Equal(got, want[lsn]) {
			t.Errorf("restore_project to %d: get_project returns %d bytes, not the version's %d", lsn, len(got), len(want[lsn]))
		}
	}
	// Restores change no version's bytes: nothing more was written.
	sameVersions(t, "table after restores", storedVersions(t, b.s.db, id), want)
	b.stop()
	c := reload(t, dir, clk, nodeConfig{})
	sameVersions(t, "after restores and a second reload", c.versionData(), want)
	if _, lsn := c.projectLSN("f", "p"); lsn != lsns[1] {
		t.Errorf("current version %d after reload, want the restored %d", lsn, lsns[1])
	}
}

// TestVersionStreamsDropped: a version trimmed by MAX_PROJECT_VERSIONS
// loses its row in the same write, and delete_project deletes every row
// of the project, not those of another project.
func TestVersionStreamsDropped(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	a := newNode(t, dir, clk, nodeConfig{})
	_, err := a.c.CreateFolder(a.ctx, nil, a.sa, str("f"))
	a.ok(err)
	a.ok(a.c.ConfigureCatalog(a.ctx, nil, a.sa, str("MAX_PROJECT_VERSIONS"), str("2")))
	other := map[int64][]byte{}
	data := largeIspacOf(t, "q", "pkg.dtsx", 1<<10, 99)
	other[a.deploy("f", "q", data)] = data
	want := map[int64][]byte{}
	var lsns []int64
	for i := range 4 {
		data := largeIspacOf(t, "p", "pkg.dtsx", 1<<10, uint64(i))
		lsn := a.deploy("f", "p", data)
		want[lsn] = data
		lsns = append(lsns, lsn)
		if len(lsns) > 2 {
			delete(want, lsns[len(lsns)-3])
		}
		id, _ := a.projectLSN("f", "p")
		sameVersions(t, "table after deploy "+itoa(int64(i+1)), storedVersions(t, a.s.db, id), want)
	}
	id, _ := a.projectLSN("f", "p")
	qid, _ := a.projectLSN("f", "q")
	a.ok(a.c.DeleteProject(a.ctx, nil, a.sa, str("f"), str("p")))
	if got := storedVersions(t, a.s.db, id); len(got) != 0 {
		t.Errorf("delete_project left %d version rows", len(got))
	}
	sameVersions(t, "the other project's rows", storedVersions(t, a.s.db, qid), other)
	a.stop()
	b := reload(t, dir, clk, nodeConfig{})
	sameVersions(t, "after reload", b.versionData(), other)
}

// TestVersionStreamsReset: a full write (as the first one, or after
// emulator.reset) writes the table again with what is kept, and a reset
// leaves no version rows behind.
func TestVersionStreamsReset(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	a := newNode(t, dir, clk, nodeConfig{})
	_, err := a.c.CreateFolder(a.ctx, nil, a.sa, str("f"))
	a.ok(err)
	for i := range 2 {
		a.deploy("f", "p", largeIspacOf(t, "p", "pkg.dtsx", 1<<10, uint64(i)))
	}
	want := a.versionData()
	if len(want) != 2 {
		t.Fatalf("%d versions kept, want 2", len(want))
	}
	a.ok(a.c.SetJournal(a.s, true))
	sameVersions(t, "table after a full write", storedVersions(t, a.s.db, 0), want)
	a.c.Reset(a.ctx)
	a.stop()
	b := reload(t, dir, clk, nodeConfig{})
	if got := storedVersions(t, b.s.db, 0); len(got) != 0 {
		t.Errorf("%d version rows after a reset", len(got))
	}
}

// rewriteFile edits a closed data directory's database with SQL.
func rewriteFile(t *testing.T, dir string, f func(db *sql.DB)) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f(db)
}

// TestVersionStreamsOlderFiles: files written before the version table
// existed load, with every version's bytes: one whose project records
// carry the other versions' .ispac inline (base64, the previous format;
// the current version's in project_streams), and one from before versions
// were kept (no version list). After a load the project's next write
// moves inline bytes to the table.
func TestVersionStreamsOlderFiles(t *testing.T) {
	for _, tc := range []struct {
		name     string
		versions int
		// legacy turns the project's record into the older format; the
		// version table is then dropped.
		legacy func(rec map[string]any, streams map[int64][]byte, current int64)
	}{
		{"inline version streams", 3, func(rec map[string]any, streams map[int64][]byte, current int64) {
			for _, v := range rec["Versions"].([]any) {
				v := v.(map[string]any)
				if lsn := int64(v["LSN"].(float64)); lsn != current {
					v["Stream"] = streams[lsn] // []byte: base64, as encoding/json wrote it
				}
			}
		}},
		{"before versions were kept", 1, func(rec map[string]any, _ map[int64][]byte, _ int64) {
			delete(rec, "Versions")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			clk := clock.NewFake(t0)
			a := newNode(t, dir, clk, nodeConfig{})
			_, err := a.c.CreateFolder(a.ctx, nil, a.sa, str("f"))
			a.ok(err)
			for i := range tc.versions {
				a.deploy("f", "p", largeIspacOf(t, "p", "pkg.dtsx", 4<<10, uint64(i)))
			}
			_, err = a.c.SetObjectParameterValue(a.ctx, nil, a.sa, i16(20), str("f"), str("p"), str("Environment"), sqltype.NewNVarChar("prod"), nil, nil)
			a.ok(err)
			want := a.versionData()
			id, current := a.projectLSN("f", "p")
			snap := a.snapshot()
			a.stop()
			rewriteFile(t, dir, func(db *sql.DB) {
				var rec map[string]any
				if err := json.Unmarshal(projectRecord(t, db, id), &rec); err != nil {
					t.Fatal(err)
				}
				tc.legacy(rec, storedVersions(t, db, id), current)
				data, err := json.Marshal(rec)
				if err != nil {
					t.Fatal(err)
				}
				if tc.versions > 1 && bytes.Count(data, []byte(`"Stream":"`)) != tc.versions-1 {
					t.Fatalf("the rewritten record does not carry the older versions inline: %s", data)
				}
				if _, err := db.Exec(`UPDATE projects SET data = ? WHERE id = ?`, data, id); err != nil {
					t.Fatal(err)
				}
				if _, err := db.Exec(`DROP TABLE project_version_streams`); err != nil {
					t.Fatal(err)
				}
			})

			b := reload(t, dir, clk, nodeConfig{})
			diffSnapshots(t, snap, b.snapshot())
			sameVersions(t, "loaded", b.versionData(), want)
			if got := storedVersions(t, b.s.db, id); len(got) != 0 {
				t.Fatalf("the table has %d rows before the project was written", len(got))
			}
			// The next write of the project stores the bytes the new way.
			_, err = b.c.SetObjectParameterValue(b.ctx, nil, b.sa, i16(20), str("f"), str("p"), str("Environment"), sqltype.NewNVarChar("test"), nil, nil)
			b.ok(err)
			if tc.versions > 1 {
				sameVersions(t, "table after the first write", storedVersions(t, b.s.db, id), want)
			}
			if rec := projectRecord(t, b.s.db, id); bytes.Contains(rec, []byte(`"Stream":"`)) {
				t.Error("the project's record still carries .ispac after it was written again")
			}
			// A version deployed now is kept beside the loaded ones.
			data := largeIspacOf(t, "p", "pkg.dtsx", 4<<10, 100)
			want[b.deploy("f", "p", data)] = data
			sameVersions(t, "table after a deploy", storedVersions(t, b.s.db, id), want)
			b.stop()

			c := reload(t, dir, clk, nodeConfig{})
			sameVersions(t, "after a second reload", c.versionData(), want)
			for lsn, data := range want {
				if _, cur := c.projectLSN("f", "p"); cur == lsn {
					continue
				}
				_, err := c.c.RestoreProject(c.ctx, nil, c.sa, str("f"), str("p"), i64(lsn))
				c.ok(err)
				got, err := c.c.GetProject(c.ctx, c.sa, str("f"), str("p"))
				c.ok(err)
				if !bytes.Equal(got, data) {
					t.Errorf("restore_project to %d: %d bytes, want %d", lsn, len(got), len(data))
				}
			}
		})
	}
}

// TestVersionStreamsStrayRows: rows an older build left behind (it knows
// nothing of the table, so it deletes no row when it drops a version or a
// project) do not come back as versions: Open deletes those of projects
// that are gone, and the project's next write those of versions it no
// longer keeps.
func TestVersionStreamsStrayRows(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(t0)
	a := newNode(t, dir, clk, nodeConfig{})
	_, err := a.c.CreateFolder(a.ctx, nil, a.sa, str("f"))
	a.ok(err)
	a.deploy("f", "p", largeIspacOf(t, "p", "pkg.dtsx", 1<<10, 1))
	want := a.versionData()
	id, _ := a.projectLSN("f", "p")
	a.stop()
	rewriteFile(t, dir, func(db *sql.DB) {
		for _, k := range [][2]int64{{id, 9000}, {id + 100, 9001}} {
			if _, err := db.Exec(`INSERT INTO project_version_streams (project_id, lsn, stream) VALUES (?, ?, ?)`, k[0], k[1], []byte("stray")); err != nil {
				t.Fatal(err)
			}
		}
	})

	b := reload(t, dir, clk, nodeConfig{})
	sameVersions(t, "loaded", b.versionData(), want)
	if got := storedVersions(t, b.s.db, id+100); len(got) != 0 {
		t.Errorf("Open kept %d rows of a project that is gone", len(got))
	}
	_, err = b.c.SetObjectParameterValue(b.ctx, nil, b.sa, i16(20), str("f"), str("p"), str("Environment"), sqltype.NewNVarChar("x"), nil, nil)
	b.ok(err)
	sameVersions(t, "table after the project was written", storedVersions(t, b.s.db, 0), want)
}
