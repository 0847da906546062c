package console_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
)

// These tests drive the console in a real headless Chromium through the
// emulator's own HTTP listener (the console mounted at "/"). They wait for
// DOM conditions and for catalog state, never for time; package durations
// run on the fake clock, which the tests move. Each saves a screenshot of
// the page it checks in the test's artifact directory (go test -artifacts
// keeps them).

// chromiumPath finds Debian's chromium; the tests skip without it only when
// not in CI.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "" {
		t.Skip("chromium is not installed (apt-get install chromium); CI runs these tests")
	}
	t.Fatal("chromium is not installed, and CI is set: the browser tests must run")
	return ""
}

// tab is one browser (own process, fresh profile) on one console.
type tab struct {
	t   *testing.T
	ctx context.Context
	e   *env
}

func newTab(t *testing.T, e *env) *tab {
	t.Helper()
	path := chromiumPath(t)
	profile := t.TempDir()
	actx, acancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1400, 1000),
	)
	// Cleanups run last-in first-out: the browser is gone before its
	// profile directory is removed.
	t.Cleanup(acancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, tcancel := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(tcancel)
	return &tab{t: t, ctx: ctx, e: e}
}

func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.shot("failure")
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *tab) open(path string) { b.t.Helper(); b.do("open "+path, chromedp.Navigate(b.e.url+path)) }

// waitFor waits until sel is visible (the context's deadline bounds it).
func (b *tab) waitFor(sel string) {
	b.t.Helper()
	b.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// click clicks sel. Right after a navigation Chromium may renumber the
// document's nodes between the query and the click ("Could not find node
// with given id"); the click is then made again on the fresh node.
func (b *tab) click(sel string) {
	b.t.Helper()
	var err error
	for range 5 {
		if err = chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel))); err == nil ||
			!strings.Contains(err.Error(), "Could not find node") {
			break
		}
	}
	if err != nil {
		b.shot("failure")
		b.t.Fatalf("click %s: %v", sel, err)
	}
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.shot("failure")
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func (b *tab) eval(js string) bool {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js))
	if err != nil {
		b.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// shot saves a PNG of the whole page.
func (b *tab) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(b.t.ArtifactDir(), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
}

func (b *tab) signIn(login, password string) {
	b.t.Helper()
	b.open("/login")
	b.waitFor("#login-form")
	b.do("sign in", chromedp.SendKeys(chromedp.CSS("#login"), login), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#sign-in")))
	b.waitFor("#signed-in-as")
	if got := b.text("#signed-in-as"); got != login {
		b.t.Fatalf("signed in as %q, want %q", got, login)
	}
}

// runPackages goes through Execute Package in Scale Out: tick the packages,
// Next, pick the machines (nil: any worker), OK; it returns at the results.
func (b *tab) runPackages(packages []string, workers []string) {
	b.t.Helper()
	b.open("/execute")
	b.waitFor("#package-tree")
	for _, p := range packages {
		b.click(fmt.Sprintf(`input[data-package="%s"]`, p))
	}
	b.click("#next")
	b.waitFor("#execute-form")
	for _, w := range workers {
		b.click("#worker-" + w)
	}
	if len(workers) > 0 && !b.eval(`document.getElementById('machines-chosen').checked`) {
		b.t.Fatal("ticking a worker should switch Machine Selection to the chosen workers")
	}
	b.shot("settings")
	b.click("#ok")
	b.waitFor("#result-summary")
}

func statusCell(id int64, status int) string {
	return fmt.Sprintf(`#exec-%d td.status[data-status="%d"]`, id, status)
}

// Sign in (after a wrong password), run package1 and package2 on the chosen
// worker, and watch All Executions show both succeed: package2 runs for 45
// seconds of the fake clock, so the report first shows it running and then
// refreshes itself.
func TestBrowserRunTwoPackagesOnChosenWorker(t *testing.T) {
	e := newEnv(t, envOpts{listen: true, rules: []runner.Rule{{Package: "package2", Duration: 45 * time.Second}}})
	b := newTab(t, e)

	b.open("/")
	b.waitFor("#login-form")
	b.do("wrong password", chromedp.SendKeys(chromedp.CSS("#login"), admin), chromedp.SendKeys(chromedp.CSS("#password"), "wrong"),
		chromedp.Click(chromedp.CSS("#sign-in")))
	b.waitFor("#login-error")
	if got, want := b.text("#login-error"), `Msg 18456, Level 14, State 1: Login failed for user 'CONTOSO\etl_admin'.`; got != want {
		t.Fatalf("sign-in error %q, want %q", got, want)
	}
	b.shot("sign-in-failed")
	b.signIn(admin, adminPW)

	b.runPackages([]string{"package1.dtsx", "package2.dtsx"}, []string{workerBID})
	if got := b.text("#result-summary"); !strings.HasPrefix(got, "2 of 2 executions started.") {
		t.Fatalf("results: %q", got)
	}
	b.shot("results")
	ids := e.lastExecutionIDs(2)
	b.click("#report-link")
	b.waitFor("#executions")
	e.waitFinal(ids[0])
	e.settle()
	b.waitFor(statusCell(ids[1], 2)) // package2 is running (auto-refresh may be needed for package1)
	b.waitFor(statusCell(ids[0], 7))
	e.clk.Advance(45 * time.Second)
	e.waitFinal(ids[1])
	// No reload from the test: the page refreshes its live part itself.
	b.waitFor(statusCell(ids[1], 7))
	for _, id := range ids {
		if got := b.text(fmt.Sprintf("#exec-%d td.worker", id)); got != "Worker B" {
			t.Errorf("execution %d ran on %q, want Worker B", id, got)
		}
	}
	if got := b.text("#count-succeeded"); got != "2" {
		t.Errorf("succeeded counter %q", got)
	}
	if got := b.text(fmt.Sprintf("#exec-%d td:nth-child(9)", ids[1])); got != "45.000" {
		t.Errorf("package2's duration %q, want 45.000", got)
	}
	b.waitFor("#chart-timeline svg")
	b.waitFor("#chart-durations svg")
	b.shot("all-executions")
}

// A login with EXECUTE on the project but in neither ssis_admin nor
// ssis_cluster_executor gets the catalog's 27178 in the page.
func TestBrowserNoScaleOutRole(t *testing.T) {
	e := newEnv(t, envOpts{listen: true})
	b := newTab(t, e)
	b.signIn(plain, commonPW)
	b.open("/execute")
	b.waitFor("#package-tree")
	b.click(`input[data-package="package1.dtsx"]`)
	b.click("#next")
	b.waitFor("#scaleout-notice")
	b.waitFor("#no-workers") // catalog.worker_agents shows this login nothing
	b.click("#ok")
	b.waitFor(".result-error")
	want := "Msg 27178, Level 16, State 1: Unable to execute the project named 'project1'. You do not have sufficient permissions."
	if got := b.text(".result-error"); got != want {
		t.Fatalf("error %q, want %q", got, want)
	}
	b.shot("27178")
}

// Disable a worker in Scale Out Manager, run a package on it alone: the
// execution stays pending; enable the worker and it runs.
func TestBrowserDisabledWorkerKeepsExecutionPending(t *testing.T) {
	e := newEnv(t, envOpts{listen: true})
	b := newTab(t, e)
	b.signIn(admin, adminPW)
	b.open("/workers")
	row := "#worker-" + workerBID
	b.waitFor(row + " button.disable")
	b.click(row + " button.disable")
	b.waitFor(row + " button.enable")
	if got := b.text(row + " td.state"); got != "Disabled" {
		t.Fatalf("worker state %q", got)
	}
	if workerEnabled(e, workerBID) {
		t.Fatal("the catalog still has the worker enabled")
	}
	b.shot("worker-disabled")

	b.runPackages([]string{"package1.dtsx"}, []string{workerBID})
	id := e.lastExecutionIDs(1)[0]
	b.click("#report-link")
	b.waitFor(statusCell(id, 5))
	// Everything the master could do is done, and it is still pending: the
	// only eligible worker is disabled and nothing times out (§6.3).
	e.settle()
	if st := e.executions()[id]["status"]; st != "5" {
		t.Fatalf("status %s, want 5 (pending)", st)
	}
	tasks := e.rowsInternal(admin, "tasks")
	if len(tasks) != 1 || tasks[0][6] != "1" {
		t.Fatalf("internal.tasks = %v, want one ready task (status 1)", tasks)
	}
	b.open(fmt.Sprintf("/executions/%d", id))
	b.waitFor(`#exec-status[data-status="5"]`)
	if got := b.text("#task-status"); !strings.HasPrefix(got, "Ready") {
		t.Errorf("task status %q", got)
	}
	b.shot("pending")

	b.open("/workers")
	b.click(row + " button.enable")
	b.waitFor(row + " button.disable")
	e.waitFinal(id)
	b.open(fmt.Sprintf("/executions?ids=%d", id))
	b.waitFor(statusCell(id, 7))
	b.shot("ran-after-enable")
}

// A failing package: All Executions shows it failed, the overview lists its
// errors and All Messages shows the package's messages.
func TestBrowserFailingPackageMessages(t *testing.T) {
	e := newEnv(t, envOpts{listen: true, rules: []runner.Rule{{Package: "package1", Outcome: runner.Fail, Task: "Load Customers",
		Messages: []runner.MessageRule{{Type: 120, Text: "Violation of PRIMARY KEY constraint 'PK_Customer'.", OnEnd: true}}}}})
	b := newTab(t, e)
	b.signIn(admin, adminPW)
	b.runPackages([]string{"package1.dtsx"}, nil)
	id := e.lastExecutionIDs(1)[0]
	e.waitFinal(id)
	b.click("#report-link")
	b.waitFor(statusCell(id, 4))
	if got := b.text("#count-failed"); got != "1" {
		t.Errorf("failed counter %q", got)
	}
	b.click(fmt.Sprintf(`#exec-%d a[href="/executions/%d"]`, id, id))
	b.waitFor("#problems")
	if got := b.text("#problems"); !strings.Contains(got, "Violation of PRIMARY KEY constraint 'PK_Customer'.") {
		t.Errorf("overview errors: %q", got)
	}
	b.click("#all-messages")
	b.waitFor("#messages")
	got := b.text("#messages")
	for _, want := range []string{"OnError", "OnTaskFailed", "Load Customers", "Violation of PRIMARY KEY constraint 'PK_Customer'.", "Error"} {
		if !strings.Contains(got, want) {
			t.Errorf("messages lack %q", want)
		}
	}
	b.shot("messages")
}

// ssis_logreader reads everything and can change nothing: no Execute, no
// worker actions.
func TestBrowserLogReaderIsReadOnly(t *testing.T) {
	e := newEnv(t, envOpts{listen: true})
	a := newTab(t, e)
	a.signIn(admin, adminPW)
	a.runPackages([]string{"package2.dtsx"}, nil)
	id := e.lastExecutionIDs(1)[0]
	e.waitFinal(id)

	b := newTab(t, e)
	b.signIn(reader, commonPW)
	b.open("/executions")
	b.waitFor(statusCell(id, 7))
	b.open("/execute")
	b.waitFor("#read-only")
	if !b.eval(`document.getElementById('next').disabled`) {
		t.Error("Next is enabled for ssis_logreader")
	}
	b.shot("execute-read-only")
	b.open("/workers")
	b.waitFor("#no-workers")
	if b.eval(`document.querySelector('button.disable, button.enable, a.edit') !== null`) {
		t.Error("worker actions offered to ssis_logreader")
	}
	b.shot("workers-read-only")
}
