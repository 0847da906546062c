package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/ispac"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

var t0 = time.Date(2024, 5, 6, 7, 8, 9, 0, time.FixedZone("", 2*3600))

var (
	w1 = uuid.MustParse("64c020e2-f819-4c2d-a22f-efb31a91e70a")
	w2 = uuid.MustParse("11c020e2-f819-4c2d-a22f-efb31a91e70b")
	w3 = uuid.MustParse("22c020e2-f819-4c2d-a22f-efb31a91e70c")
)

var nodeSeq atomic.Uint64

// uuids makes GUIDs that differ from one node to the next, as random ones
// would across restarts.
func uuids() func() uuid.UUID {
	hi := nodeSeq.Add(1)
	var n atomic.Uint64
	return func() uuid.UUID {
		var u uuid.UUID
		binary.BigEndian.PutUint64(u[:8], hi)
		binary.BigEndian.PutUint64(u[8:], n.Add(1))
		u[6] = 0x40
		return u
	}
}

// node is one run of the product over a data directory: a catalog, a
// Scale Out master with a simulated runner, and the store.
type node struct {
	t   *testing.T
	ctx context.Context
	c   *catalog.Catalog
	m   *scaleout.Master
	s   *Store
	clk *clock.Fake
	rec Recovery
	sa  *catalog.Caller

	stopped bool
}

type nodeConfig struct {
	workers []scaleout.WorkerConfig
	rules   []runner.Rule
	logins  []catalog.LoginSpec
	noStart bool // attach but do not start the master
}

var testLogins = []catalog.LoginSpec{
	{Name: "sa", Password: "Passw0rd!", Sysadmin: true},
	{Name: `EMU\reader`, Password: "pw", Windows: true, Roles: []string{"ssis_logreader"}},
}

func newNode(t *testing.T, dir string, clk *clock.Fake, cfg nodeConfig) *node {
	t.Helper()
	if cfg.logins == nil {
		cfg.logins = testLogins
	}
	ids := uuids()
	c := catalog.New(catalog.Options{Clock: clk, NewUUID: ids, Logins: cfg.logins, ServerName: "EMU"})
	sim, err := runner.NewSim(runner.Config{Rules: cfg.rules, NewGUID: ids})
	if err != nil {
		t.Fatal(err)
	}
	m, err := scaleout.New(scaleout.Config{Workers: cfg.workers, NewID: ids, Lanes: 2}, clk, c, sim, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetMaster(m)
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := &node{t: t, ctx: context.Background(), c: c, m: m, s: s, clk: clk}
	n.rec, err = s.Attach(n.ctx, c, m)
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	if !cfg.noStart {
		if err := m.Start(n.ctx); err != nil {
			t.Fatal(err)
		}
	}
	n.sa, err = c.CallerFor("sa")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.stop)
	return n
}

// stop ends the node as a graceful shutdown does. Safe to call twice.
func (n *node) stop() {
	if n.stopped {
		return
	}
	n.stopped = true
	n.m.Stop()
	if err := n.s.Close(); err != nil {
		n.t.Errorf("close: %v", err)
	}
}

func (n *node) settle() {
	n.t.Helper()
	if err := n.m.Settle(n.ctx); err != nil {
		n.t.Fatal(err)
	}
}

func (n *node) ok(err error) {
	n.t.Helper()
	if err != nil {
		n.t.Fatal(err)
	}
}

func str(s string) *string { return &s }
func i64(n int64) *int64   { return &n }
func i16(n int16) *int16   { return &n }
func i32(n int32) *int32   { return &n }
func bit(b bool) *bool     { return &b }

func ispacOf(t testing.TB, project string, packages ...string) []byte {
	t.Helper()
	p := catalog.DemoProject(project, packages[0])
	for _, name := range packages[1:] {
		p.Packages = append(p.Packages, ispac.Package{Name: name, EntryPoint: true})
	}
	data, err := ispac.Build(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// execution creates an execution of folder/project/package (Scale Out on
// any worker unless local) and returns its id.
func (n *node) execution(folder, project, pkg string, scaleOut bool) int64 {
	n.t.Helper()
	id, err := n.c.CreateExecution(n.ctx, nil, n.sa, catalog.CreateExecutionArgs{FolderName: str(folder), ProjectName: str(project),
		PackageName: str(pkg), Use32BitRuntime: bit(false), RunInScaleOut: bit(scaleOut), UseAnyWorker: bit(true)})
	n.ok(err)
	return id
}

func (n *node) start(id int64) {
	n.t.Helper()
	n.ok(n.c.StartExecution(n.ctx, nil, n.sa, i64(id), nil))
}

// status reads an execution's status through catalog.executions.
func (n *node) status(id int64) int64 {
	n.t.Helper()
	row := n.row("catalog.executions", "execution_id", id)
	if row == nil {
		n.t.Fatalf("execution %d not in catalog.executions", id)
	}
	return row["status"].Int64()
}

// row finds the first row of an SSISDB view whose column col equals id.
func (n *node) row(view, col string, id int64) map[string]sqltype.Value {
	n.t.Helper()
	schema, name, _ := strings.Cut(view, ".")
	src, ok := n.c.View(catalog.SSISDB, schema, name, n.sa)
	if !ok {
		n.t.Fatalf("no view %s", view)
	}
	cols := src.Columns()
	var out map[string]sqltype.Value
	err := src.Scan(n.ctx, func(r rows.Row) bool {
		for i, c := range cols {
			if c.Name == col && !r[i].IsNull() && r[i].Int64() == id {
				out = map[string]sqltype.Value{}
				for j, c := range cols {
					out[c.Name] = r[j]
				}
				return false
			}
		}
		return true
	})
	n.ok(err)
	return out
}

// snapshot renders every catalog view and the principal views as text,
// rows sorted, for comparing two nodes.
func (n *node) snapshot() map[string][]string {
	n.t.Helper()
	out := map[string][]string{}
	dump := func(label string, src rows.Source) {
		var lines []string
		err := src.Scan(n.ctx, func(r rows.Row) bool {
			var b strings.Builder
			for i, v := range r {
				if i > 0 {
					b.WriteString(" | ")
				}
				b.WriteString(v.GoString())
			}
			lines = append(lines, b.String())
			return true
		})
		if err != nil {
			n.t.Fatalf("%s: %v", label, err)
		}
		slices.Sort(lines)
		out[label] = lines
	}
	for _, v := range catalog.ViewNames() {
		schema, name, _ := strings.Cut(v, ".")
		src, _ := n.c.View(catalog.SSISDB, schema, name, n.sa)
		dump(v, src)
	}
	for _, db := range []string{"master", catalog.SSISDB} {
		for _, v := range []string{"server_principals", "server_role_members", "databases", "database_principals", "schemas", "database_role_members"} {
			if src, ok := n.c.View(db, "sys", v, n.sa); ok {
				dump(fmt.Sprintf("%s.sys.%s", db, v), src)
			}
		}
	}
	return out
}

func diffSnapshots(t *testing.T, want, got map[string][]string) {
	t.Helper()
	for k, w := range want {
		g := got[k]
		if !slices.Equal(w, g) {
			t.Errorf("%s differs after reload:\n--- before (%d rows)\n%s\n--- after (%d rows)\n%s", k, len(w), strings.Join(w, "\n"), len(g), strings.Join(g, "\n"))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("view %s appeared after reload", k)
		}
	}
}
