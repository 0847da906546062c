package store

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// killChildEnv names the data directory a re-executed test binary works
// in until it is killed.
const killChildEnv = "SSISDB_STORE_KILL_CHILD_DIR"

const killKeep = 3 // MAX_PROJECT_VERSIONS in the child

// killVersion is the .ispac the child deploys as its i-th version.
func killVersion(t testing.TB, i int) []byte {
	return largeIspacOf(t, "p", "pkg.dtsx", 32<<10, uint64(i))
}

// TestVersionStreamsKill9: a process that deploys versions (trimmed to 3)
// and changes a parameter in a loop is killed with SIGKILL mid-write; the
// directory then loads with every acknowledged deploy and parameter value
// (or a later one), each kept version's bytes intact, and no row of a
// version that was trimmed.
func TestVersionStreamsKill9(t *testing.T) {
	if dir := os.Getenv(killChildEnv); dir != "" {
		killChild(t, dir)
		return
	}
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	for _, acks := range []int{7, 20, 41} {
		t.Run("after "+itoa(int64(acks))+" acks", func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestVersionStreamsKill9$", "-test.count=1")
			cmd.Env = append(os.Environ(), killChildEnv+"="+dir)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lastDeploy, lastParam, n := 0, 0, 0
			sc := bufio.NewScanner(out)
			for n < acks && sc.Scan() {
				kind, num, ok := strings.Cut(sc.Text(), " ")
				if !ok {
					continue // the test framework's own lines
				}
				i, err := strconv.Atoi(num)
				if err != nil {
					continue
				}
				switch kind {
				case "deployed":
					lastDeploy = i
				case "param":
					lastParam = i
				default:
					continue
				}
				n++
			}
			if n < acks {
				cmd.Wait()
				t.Fatalf("the child stopped after %d acknowledgements: %s", n, stderr.String())
			}
			// The child is in its next call: kill it there.
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()

			clk := clock.NewFake(t0)
			b := reload(t, dir, clk, nodeConfig{})
			id, current := b.projectLSN("f", "p")
			got := b.versionData()
			// The deploys on disk are the acknowledged ones, and perhaps
			// the one in flight: the newest killKeep of them.
			var matched []int
			for lsn, data := range got {
				i := 0
				for j := max(1, lastDeploy-killKeep); j <= lastDeploy+1; j++ {
					if bytes.Equal(data, killVersion(t, j)) {
						i = j
					}
				}
				if i == 0 {
					t.Errorf("version %d's %d bytes are none of the deployed versions near %d", lsn, len(data), lastDeploy)
				}
				matched = append(matched, i)
			}
			newest := lastDeploy
			for _, i := range matched {
				newest = max(newest, i)
			}
			t.Logf("killed after deploy %d and parameter value %d acknowledged; deploy %d is the newest on disk", lastDeploy, lastParam, newest)
			if len(got) != min(killKeep, newest) {
				t.Errorf("%d versions kept after %d deploys, want %d", len(got), newest, min(killKeep, newest))
			}
			for _, i := range matched {
				if i <= newest-killKeep {
					t.Errorf("deploy %d, trimmed by deploy %d, is still kept", i, newest)
				}
			}
			if len(got) > 0 && !bytes.Equal(got[current], killVersion(t, newest)) {
				t.Errorf("the current version %d is not deploy %d", current, newest)
			}
			if rows := storedVersions(t, b.s.db, 0); len(rows) != len(got) {
				t.Errorf("%d rows in project_version_streams for %d kept versions", len(rows), len(got))
			}
			if lastParam > 0 {
				v := b.paramValue(id, "Environment")
				k, err := strconv.Atoi(strings.TrimPrefix(v, "v"))
				if err != nil || k < lastParam {
					t.Errorf("parameter value %q after the kill, want v%d or later", v, lastParam)
				}
			}
		})
	}
}

// paramValue is the server value of a project parameter, from
// catalog.object_parameters.
func (n *node) paramValue(projectID int64, name string) string {
	n.t.Helper()
	src, _ := n.c.View(catalog.SSISDB, "catalog", "object_parameters", n.sa)
	cols := src.Columns()
	var out string
	n.ok(src.Scan(n.ctx, func(r rows.Row) bool {
		row := map[string]sqltype.Value{}
		for i, c := range cols {
			row[c.Name] = r[i]
		}
		if row["project_id"].Int64() == projectID && row["object_type"].Int64() == 20 && row["parameter_name"].Str() == name {
			out = row["default_value"].Str()
			return false
		}
		return true
	}))
	return out
}

// killChild deploys and sets a parameter until it is killed, printing
// each acknowledged call.
func killChild(t *testing.T, dir string) {
	a := newNode(t, dir, clock.NewFake(t0), nodeConfig{})
	_, err := a.c.CreateFolder(a.ctx, nil, a.sa, str("f"))
	a.ok(err)
	a.ok(a.c.ConfigureCatalog(a.ctx, nil, a.sa, str("MAX_PROJECT_VERSIONS"), str(strconv.Itoa(killKeep))))
	for i := 1; i <= 1000; i++ {
		_, err := a.c.DeployProject(a.ctx, nil, a.sa, str("f"), str("p"), killVersion(t, i))
		a.ok(err)
		fmt.Println("deployed", i)
		_, err = a.c.SetObjectParameterValue(a.ctx, nil, a.sa, i16(20), str("f"), str("p"), str("Environment"),
			sqltype.NewNVarChar("v"+strconv.Itoa(i)), nil, nil)
		a.ok(err)
		fmt.Println("param", i)
	}
}
