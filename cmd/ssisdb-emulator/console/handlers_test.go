package console_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/ispac"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/runner"
	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulator"
)

func TestSignIn(t *testing.T) {
	e := newEnv(t, envOpts{})
	cases := []struct {
		name, login, password string
		ok                    bool
	}{
		{"windows-style login", admin, adminPW, true},
		{"case-insensitive name", strings.ToUpper(admin), adminPW, true},
		{"sql login", "sa", emulator.DefaultSAPassword, true},
		{"wrong password", admin, "nope", false},
		{"unknown login", "ghost", "whatever", false},
		{"empty password", reader, "", false},
		{"markup in the name", `<b>x</b>`, "pw", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client()
			code, body := c.get("/executions")
			if code != http.StatusOK || !strings.Contains(body, `id="login-form"`) {
				t.Fatalf("an anonymous visit should land on the sign-in form, got %d", code)
			}
			code, body = c.post("/login", url.Values{"login": {tc.login}, "password": {tc.password},
				"next": {"/workers"}})
			if !tc.ok {
				if code != http.StatusUnauthorized {
					t.Fatalf("status %d, want 401", code)
				}
				contains(t, body, fmt.Sprintf("Msg 18456, Level 14, State 1: Login failed for user '%s'.", tc.login))
				lacks(t, body, "<b>x</b>")
				if code, _ := c.get("/workers"); code != http.StatusOK || !strings.Contains(c.last, `id="login-form"`) {
					t.Fatal("a failed sign-in must not sign in")
				}
				return
			}
			if code != http.StatusOK || !strings.Contains(body, "<h1>Scale Out Manager</h1>") {
				t.Fatalf("sign-in should go on to next=/workers; got %d\n%s", code, body)
			}
			// Sign out: the session ends, the cookie is useless afterwards.
			if code, body := c.post("/logout", nil); code != http.StatusOK || !strings.Contains(body, `id="login-form"`) {
				t.Fatalf("sign out: %d", code)
			}
			if _, body := c.get("/executions"); !strings.Contains(body, `id="login-form"`) {
				t.Fatal("still signed in after signing out")
			}
		})
	}
}

func TestSignInRedirectStaysOnSite(t *testing.T) {
	e := newEnv(t, envOpts{})
	for _, next := range []string{"//evil.example/x", "https://evil.example/", `/\evil.example`, "javascript:alert(1)"} {
		c := e.client()
		c.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		c.get("/login")
		req, _ := http.NewRequest(http.MethodPost, e.url+"/login", strings.NewReader(url.Values{
			"csrf": {c.csrf}, "login": {admin}, "password": {adminPW}, "next": {next}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/executions" {
			t.Errorf("next=%q: %d Location %q, want 303 /executions", next, resp.StatusCode, loc)
		}
	}
}

func TestSessionCookieAndExpiry(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.client()
	c.get("/login")
	c.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.http.PostForm(e.url+"/login", url.Values{"csrf": {c.csrf}, "login": {admin}, "password": {adminPW}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c.http.CheckRedirect = nil
	raw := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(raw, want) {
			t.Errorf("session cookie %q lacks %s", raw, want)
		}
	}
	if strings.Contains(raw, "Secure") {
		t.Errorf("cookie %q is Secure although the console is served over plain HTTP", raw)
	}
	if _, body := c.get("/executions"); !strings.Contains(body, `id="signed-in-as"`) {
		t.Fatal("not signed in")
	}
	// The console was built with SessionIdle = 1h on the fake clock.
	e.clk.Advance(59 * time.Minute)
	if _, body := c.get("/executions"); !strings.Contains(body, `id="signed-in-as"`) {
		t.Fatal("session expired before its idle time")
	}
	e.clk.Advance(61 * time.Minute)
	if _, body := c.get("/executions"); !strings.Contains(body, `id="login-form"`) {
		t.Fatal("session outlived its idle time")
	}
}

func TestSecureCookies(t *testing.T) {
	e := newEnv(t, envOpts{})
	con, err := consoleNew(e, true)
	if err != nil {
		t.Fatal(err)
	}
	rec := serve(con, http.MethodGet, "/login", nil)
	ck := rec.Header().Get("Set-Cookie")
	if !strings.HasPrefix(ck, "__Host-ssisdb_console=") || !strings.Contains(ck, "Secure") {
		t.Fatalf("cookie over TLS = %q, want a Secure __Host- cookie", ck)
	}
}

// Every form refuses a POST without the session's token, with a wrong one,
// and from another site, and changes nothing.
func TestFormsRejectBadCSRF(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.signedIn(admin, adminPW)
	good := c.csrf
	posts := []struct {
		path string
		form url.Values
	}{
		{"/logout", nil},
		{"/execute", executeForm([][3]string{pkg1}, nil)},
		{"/workers/" + demoID + "/disable", nil},
		{"/workers/" + workerBID + "/edit", url.Values{"DisplayName": {"renamed"}}},
		{"/executions/1/stop", nil},
	}
	attacks := []struct {
		name    string
		token   string
		headers []string
	}{
		{"missing token", "", nil},
		{"wrong token", "x" + good[1:], nil},
		{"token of another session", "", nil}, // filled below
		{"cross-site fetch", good, []string{"Sec-Fetch-Site", "cross-site"}},
		{"foreign origin", good, []string{"Origin", "https://evil.example"}},
		{"foreign referer", good, []string{"Referer", "https://evil.example/page"}},
	}
	other := e.signedIn(reader, commonPW)
	attacks[2].token = other.csrf
	before := len(e.executions())
	for _, p := range posts {
		for _, a := range attacks {
			t.Run(p.path+"/"+a.name, func(t *testing.T) {
				form := url.Values{}
				for k, v := range p.form {
					form[k] = v
				}
				form["csrf"] = []string{a.token}
				code, body := c.post(p.path, form, a.headers...)
				if code != http.StatusForbidden {
					t.Fatalf("status %d, want 403\n%s", code, body)
				}
				contains(t, body, "Forbidden")
			})
		}
	}
	if n := len(e.executions()); n != before {
		t.Errorf("refused forms created %d executions", n-before)
	}
	for _, w := range e.rows(admin, "worker_agents") {
		if w["IsEnabled"] != "1" || w["DisplayName"] == "renamed" {
			t.Errorf("a refused form changed worker %v", w)
		}
	}
	// The sign-in form has a token too.
	anon := e.client()
	anon.get("/login")
	if code, _ := anon.post("/login", url.Values{"csrf": {""}, "login": {admin}, "password": {adminPW}}); code != http.StatusForbidden {
		t.Errorf("sign-in without its token: %d, want 403", code)
	}
	// And with the right token and same-origin headers everything works.
	code, _ := c.post("/workers/"+workerBID+"/disable", nil, "Sec-Fetch-Site", "same-origin", "Origin", e.url)
	if code != http.StatusOK || workerEnabled(e, workerBID) {
		t.Fatalf("a good form was refused: %d", code)
	}
}

func workerEnabled(e *env, id string) bool {
	for _, w := range e.rows("sa", "worker_agents") {
		if strings.EqualFold(w["WorkerAgentId"], id) {
			return w["IsEnabled"] == "1"
		}
	}
	e.t.Fatalf("no worker %s", id)
	return false
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, envOpts{})
	resp, err := http.Get(e.url + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %s", csp, want)
		}
	}
	if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", resp.Header)
	}
	for _, f := range []string{"/static/console.css", "/static/console.js", "/static/favicon.svg"} {
		r, err := http.Get(e.url + f)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", f, r.StatusCode)
		}
	}
	if r, _ := http.Get(e.url + "/static/../console.go"); r != nil && r.StatusCode == http.StatusOK {
		t.Error("static serves files outside static/")
	}
}

// Catalog values with markup show as text on every page: a project and a
// package whose names are HTML, a worker whose display name is a script, a
// parameter value and a package message with markup, and a folder named
// <script> (and one with & and ').
func TestPagesEscapeCatalogValues(t *testing.T) {
	const evil = `<script>alert(1)</script>`
	e := newEnv(t, envOpts{rules: []runner.Rule{{Package: "*", Outcome: runner.Fail,
		Messages: []runner.MessageRule{{Type: 120, Text: "bad row " + evil}}}}})
	folder := `<script>`
	pkgName := `<img src=x onerror=alert(2)>.dtsx`
	p := &ispac.Project{Name: evil, Params: []ispac.Param{{Name: "Greeting", DataType: "String", Value: ispac.Str(`"><svg onload=alert(3)>`)}},
		Packages: []ispac.Package{{Name: pkgName, EntryPoint: true}}}
	data, err := ispac.Build(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.cat.Seed(e.ctx, folder, "", data); err != nil {
		t.Fatal(err)
	}
	if _, err := e.cat.Seed(e.ctx, `Tom & Jerry's`, "", data); err != nil {
		t.Fatal(err)
	}
	c := e.signedIn(admin, adminPW)
	wid := uuidOf(t, workerBID)
	name, value := "DisplayName", `<script>alert(4)</script>`
	if err := e.cat.SetWorkerAgentProperty(e.ctx, e.caller(admin), &wid, &name, &value); err != nil {
		t.Fatal(err)
	}
	form := executeForm([][3]string{{folder, evil, pkgName}}, url.Values{
		"p0.param.20.Greeting": {`</textarea><script>alert(5)</script>`},
		"machines":             {"chosen"}, "worker": {workerBID}})
	code, body := c.post("/execute", form)
	if code != http.StatusOK || !strings.Contains(body, "created and started") {
		t.Fatalf("execute: %d\n%s", code, body)
	}
	id := e.lastExecutionIDs(1)[0]
	e.waitFinal(id)
	pages := []string{"/executions", fmt.Sprintf("/executions/%d", id), fmt.Sprintf("/executions/%d/messages", id),
		"/execute", "/workers", "/workers/" + workerBID + "/edit", "/executions?folder=" + url.QueryEscape(folder)}
	for _, pg := range pages {
		_, body := c.get(pg)
		for _, raw := range []string{"<script>alert", "<img src=x", "<svg onload", "</textarea><script>"} {
			lacks(t, body, raw)
		}
		if !strings.Contains(body, "&lt;") {
			t.Errorf("%s shows none of the escaped values", pg)
		}
	}
	_, body = c.get("/executions")
	contains(t, body, folder)
	contains(t, body, evil)
	contains(t, body, pkgName)
	_, body = c.get(fmt.Sprintf("/executions/%d/messages", id))
	contains(t, body, "bad row "+evil)
	_, body = c.get("/workers")
	contains(t, body, `<script>alert(4)</script>`)
	// The configure page shows the parameter's default inside an attribute.
	pkgID := ""
	for _, r := range e.rows("sa", "packages") {
		if r["name"] == pkgName {
			pkgID = r["package_id"]
		}
	}
	_, body = c.get("/execute/configure?package=" + pkgID)
	lacks(t, body, `"><svg onload`)
	if !strings.Contains(body, `value="&#34;&gt;&lt;svg onload=alert(3)&gt;"`) {
		t.Fatalf("parameter default not escaped in its attribute\n%s", body)
	}
}

func TestUnknownPagesAndIDs(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := e.signedIn(admin, adminPW)
	for _, p := range []string{"/nope", "/executions/999", "/executions/abc/messages", "/workers/not-a-guid/edit",
		"/workers/" + "00000000-0000-4000-8000-000000000099" + "/edit"} {
		if code, _ := c.get(p); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, code)
		}
	}
	if code, body := c.get("/"); code != http.StatusOK || !strings.Contains(body, "<h1>All Executions</h1>") {
		t.Errorf("/ should lead to All Executions: %d", code)
	}
}

// A session lasts only as long as its login may sign in: disabling or
// dropping the login ends it at the next request.
func TestSessionEndsWithItsLogin(t *testing.T) {
	e := newEnv(t, envOpts{})
	sa := e.caller("sa")
	cases := []struct {
		login  string
		change func() error
	}{
		{reader, func() error {
			return e.cat.AlterLogin(e.ctx, nil, sa, reader, catalog.LoginChange{Disabled: new(true)})
		}},
		{outsider, func() error { return e.cat.DropLogin(e.ctx, nil, sa, outsider) }},
	}
	for _, tc := range cases {
		t.Run(tc.login, func(t *testing.T) {
			c := e.signedIn(tc.login, commonPW)
			if err := tc.change(); err != nil {
				t.Fatal(err)
			}
			if _, body := c.get("/executions"); !strings.Contains(body, `id="login-form"`) {
				t.Fatal("the session outlived its login")
			}
			c.get("/login")
			if code, _ := c.post("/login", url.Values{"login": {tc.login}, "password": {commonPW}}); code != http.StatusUnauthorized {
				t.Fatalf("sign-in after the change: %d", code)
			}
		})
	}
}

// The product mounts the console at "/" on its HTTP listener, beside
// /healthz and /metrics.
func TestMountedOnTheProductListener(t *testing.T) {
	e := newEnv(t, envOpts{listen: true})
	for _, tc := range []struct{ path, want string }{
		{"/healthz", "ok: logins work"},
		{"/metrics", "ssisdb_emulator_"},
		{"/login", `id="login-form"`},
		{"/executions", `id="login-form"`},
	} {
		resp, err := http.Get(e.url + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: %d, want %q", tc.path, resp.StatusCode, tc.want)
		}
	}
}
