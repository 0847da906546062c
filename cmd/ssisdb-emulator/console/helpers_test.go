package console_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/console"
	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulator"
)

// The cast of logins the tests sign in as.
const (
	admin     = `CONTOSO\etl_admin` // ssis_admin, Windows-style
	adminPW   = "Adm1n!pass"
	executor  = `CONTOSO\executor` // ssis_cluster_executor, with READ+EXECUTE granted on project1
	reader    = "reader"           // ssis_logreader
	plain     = "plain"            // an SSISDB user with READ+EXECUTE on project1 and no Scale Out role
	outsider  = "outsider"         // no SSISDB user at all
	commonPW  = "Pa55word!"
	demoID    = emulator.DemoWorkerID
	workerBID = "0b0b0b0b-0000-4000-8000-00000000000b"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type env struct {
	t   *testing.T
	ctx context.Context
	em  *emulator.Emulator
	clk *clock.Fake
	cat *catalog.Catalog
	url string // where the console is served
}

type envOpts struct {
	rules  []runner.Rule
	listen bool // serve through the emulator's own HTTP listener (the product's mount)
}

// newEnv builds the product in process on a fake clock: the demo catalog
// (folder1/project1/package1.dtsx, folder2/project2/package2.dtsx), the demo
// worker and a second one, and the logins above.
func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	cfg := emulator.Defaults()
	cfg.Addr = "127.0.0.1:0"
	cfg.HTTPAddr = ""
	if o.listen {
		cfg.HTTPAddr = "127.0.0.1:0"
	}
	cfg.ServerName = "EMUTEST"
	cfg.Logins = []emulator.Login{
		{Name: admin, Password: adminPW, SSISDBRoles: []string{"ssis_admin"}},
		{Name: executor, Password: commonPW, SSISDBRoles: []string{"ssis_cluster_executor"}},
		{Name: reader, Password: commonPW, SSISDBRoles: []string{"ssis_logreader"}},
		{Name: plain, Password: commonPW},
		{Name: outsider, Password: commonPW},
	}
	enabled := true
	cfg.Workers = []emulator.Worker{{ID: workerBID, DisplayName: "Worker B", MachineName: "SSISW-B", Enabled: &enabled,
		MaxTaskCount: 4}}
	cfg.Packages = o.rules
	if err := cfg.Validate("test"); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(t0)
	em, err := emulator.New(cfg, emulator.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: context.Background(), em: em, clk: clk, cat: em.Catalog}
	if o.listen {
		if err := em.Start(); err != nil {
			t.Fatal(err)
		}
		e.url = "http://" + em.HTTPAddr()
	} else {
		con, err := console.New(console.Config{Catalog: em.Catalog, Master: em.Master, Clock: clk,
			SessionIdle: time.Hour, Refresh: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(con)
		t.Cleanup(srv.Close)
		e.url = srv.URL
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = em.Close(ctx)
	})
	e.grantProject1(plain)
	e.grantProject1(executor)
	return e
}

func (e *env) caller(login string) *catalog.Caller {
	e.t.Helper()
	c, err := e.cat.CallerFor(login)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// grantProject1 gives login an SSISDB user (if it has none) and READ and
// EXECUTE on folder1/project1, as an administrator would.
func (e *env) grantProject1(login string) {
	e.t.Helper()
	sa := e.caller("sa")
	// A login with an SSISDB role has its user already; CREATE USER then
	// fails and the lookup below finds the existing one.
	_ = e.cat.CreateUser(e.ctx, nil, sa, catalog.SSISDB, login, login, false)
	var principal int32 = -1
	src, _ := e.cat.View(catalog.SSISDB, "sys", "database_principals", sa)
	_ = src.Scan(e.ctx, func(r rows.Row) bool {
		if strings.EqualFold(sqltype.Format(r[0]), login) {
			principal = int32(r[1].Int64())
		}
		return true
	})
	if principal < 0 {
		e.t.Fatalf("no SSISDB user for %s", login)
	}
	pid := e.projectID("folder1", "project1")
	for _, perm := range []int16{1, 3} {
		ot := int16(2)
		if err := e.cat.GrantPermission(e.ctx, nil, sa, &ot, &pid, &principal, &perm); err != nil {
			e.t.Fatalf("grant %d to %s: %v", perm, login, err)
		}
	}
}

func (e *env) projectID(folder, project string) int64 {
	e.t.Helper()
	for _, r := range e.rows("sa", "projects") {
		if r["name"] == project {
			return mustInt(e.t, r["project_id"])
		}
	}
	e.t.Fatalf("no project %s/%s", folder, project)
	return 0
}

// rows reads SSISDB catalog.<view> as login, as text by column name.
func (e *env) rows(login, view string) []map[string]string {
	e.t.Helper()
	src, ok := e.cat.View(catalog.SSISDB, "catalog", view, e.caller(login))
	if !ok {
		e.t.Fatalf("no view %s", view)
	}
	var out []map[string]string
	cols := src.Columns()
	err := src.Scan(e.ctx, func(r rows.Row) bool {
		m := map[string]string{}
		for i, c := range cols {
			if r[i].IsNull() {
				m[c.Name] = "NULL"
			} else {
				m[c.Name] = sqltype.Format(r[i])
			}
		}
		out = append(out, m)
		return true
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// executions returns catalog.executions (as sa) by execution id.
func (e *env) executions() map[int64]map[string]string {
	out := map[int64]map[string]string{}
	for _, r := range e.rows("sa", "executions") {
		out[mustInt(e.t, r["execution_id"])] = r
	}
	return out
}

func (e *env) lastExecutionIDs(n int) []int64 {
	e.t.Helper()
	var ids []int64
	for _, r := range e.rows("sa", "executions") {
		ids = append(ids, mustInt(e.t, r["execution_id"]))
	}
	if len(ids) < n {
		e.t.Fatalf("want %d executions, have %d", n, len(ids))
	}
	return ids[len(ids)-n:]
}

// settle lets the master deliver everything it has queued: after it, the
// catalog shows what the fake clock's current time implies.
func (e *env) settle() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	if err := e.em.Master.Settle(ctx); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) waitFinal(id int64) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	if err := e.cat.WaitFinal(ctx, id); err != nil {
		e.t.Fatalf("execution %d did not finish: %v", id, err)
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	v, err := sqltype.Convert(sqltype.NewNVarChar(s), sqltype.TBigInt, 0)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return v.Int64()
}

// client is a browser without JavaScript: a cookie jar and the last page's
// CSRF token.
type client struct {
	t    *testing.T
	e    *env
	http *http.Client
	csrf string
	last string
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, e: e, http: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

func (c *client) do(req *http.Request) (int, string) {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	c.last = string(b)
	if m := csrfRE.FindStringSubmatch(c.last); m != nil {
		c.csrf = m[1]
	}
	return resp.StatusCode, c.last
}

func (c *client) get(path string) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.e.url+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// post sends a form with the session's CSRF token unless form sets "csrf"
// itself (even to nothing).
func (c *client) post(path string, form url.Values, headers ...string) (int, string) {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf)
	} else if form.Get("csrf") == "" {
		form.Del("csrf")
	}
	req, err := http.NewRequest(http.MethodPost, c.e.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

func (c *client) signIn(login, password string) {
	c.t.Helper()
	c.get("/login")
	code, body := c.post("/login", url.Values{"login": {login}, "password": {password}})
	if code != http.StatusOK || !strings.Contains(body, `id="signed-in-as"`) {
		c.t.Fatalf("sign-in as %s: %d\n%s", login, code, body)
	}
}

func (e *env) signedIn(login, password string) *client {
	c := e.client()
	c.signIn(login, password)
	return c
}

// contains fails unless body has want, HTML-escaped as html/template writes
// text.
func contains(t *testing.T, body, want string) {
	t.Helper()
	if !strings.Contains(body, html.EscapeString(want)) {
		t.Fatalf("page lacks %q\n%s", want, body)
	}
}

func lacks(t *testing.T, body, unwanted string) {
	t.Helper()
	if strings.Contains(body, unwanted) {
		t.Fatalf("page has %q\n%s", unwanted, body)
	}
}

// executeForm is the configure page's POST for packages (folder, project,
// package triples), with extra fields.
func executeForm(pkgs [][3]string, extra url.Values) url.Values {
	f := url.Values{"count": {itoa(len(pkgs))}, "machines": {"any"}}
	for i, p := range pkgs {
		pre := "p" + itoa(i) + "."
		f.Set(pre+"folder", p[0])
		f.Set(pre+"project", p[1])
		f.Set(pre+"package", p[2])
		f.Set(pre+"logging", "1")
		f.Set(pre+"retry", "0")
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

func itoa(n int) string { return strconv.Itoa(n) }

var pkg1 = [3]string{"folder1", "project1", "package1.dtsx"}
var pkg2 = [3]string{"folder2", "project2", "package2.dtsx"}

func uuidOf(t *testing.T, s string) uuid.UUID {
	t.Helper()
	id, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func consoleNew(e *env, secure bool) (*console.Console, error) {
	return console.New(console.Config{Catalog: e.cat, Master: e.em.Master, Clock: e.clk, SecureCookies: secure})
}

// serve runs one request through h without a network.
func serve(h http.Handler, method, path string, form url.Values) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
