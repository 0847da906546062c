package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
)

// fuzzConsole is a console over a catalog with the demo projects and no
// master (executions are created and started, never run), with a signed-in
// administrator's session.
func fuzzConsole(tb testing.TB) (*Console, *session) {
	tb.Helper()
	clk := clock.NewFake(t0)
	cat := catalog.New(catalog.Options{Clock: clk, Logins: []catalog.LoginSpec{
		{Name: `EMU\admin`, Password: "pw", Windows: true, Roles: []string{"ssis_admin"}}}})
	if err := cat.DemoCatalog(context.Background()); err != nil {
		tb.Fatal(err)
	}
	c, err := New(Config{Catalog: cat, Clock: clk})
	if err != nil {
		tb.Fatal(err)
	}
	caller, err := cat.CallerFor(`EMU\admin`)
	if err != nil {
		tb.Fatal(err)
	}
	return c, c.sessions.create(caller.Login, caller.SID)
}

func (c *Console) fuzzRequest(ss *session, method, target string, body string) *httptest.ResponseRecorder {
	var req *http.Request
	if method == http.MethodPost {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	req.AddCookie(&http.Cookie{Name: c.cookieName(), Value: ss.id})
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, req)
	return rec
}

var fuzzStatuses = map[int]bool{http.StatusOK: true, http.StatusSeeOther: true, http.StatusBadRequest: true,
	http.StatusForbidden: true, http.StatusNotFound: true}

// FuzzReportQuery: any query string gives a page (or a refusal), never a
// panic or a 500.
func FuzzReportQuery(f *testing.F) {
	for _, q := range []string{"", "range=1h", "range=custom&from=2026-03-02T00:00&to=2026-03-03T00:00", "status=4&folder=f",
		"ids=1,2,x", "range=custom&from=%00", "status=-1", "package=%3Cscript%3E", "from=9999-99-99T99:99"} {
		f.Add(q)
	}
	c, ss := fuzzConsole(f)
	f.Fuzz(func(t *testing.T, q string) {
		rec := c.fuzzRequest(ss, http.MethodGet, "/executions?"+url.PathEscape(q), "")
		if !fuzzStatuses[rec.Code] {
			t.Fatalf("GET /executions?%s: %d\n%s", q, rec.Code, rec.Body)
		}
	})
}

// FuzzExecuteForm: any form posted to OK is validated or refused by the
// catalog, never a panic or a 500.
func FuzzExecuteForm(f *testing.F) {
	for _, b := range []string{"count=1&p0.folder=folder1&p0.project=project1&p0.package=package1.dtsx&p0.logging=1&p0.retry=0&machines=any",
		"count=2&p1.retry=-5&p0.logging=100:", "count=50", "count=1&p0.param.30.BatchSize=x&machines=chosen&worker=zz",
		"count=1&p0.overrides=%5Ca%3D&p0.ref=9223372036854775807", "count=-1", "count=1&p0.param.20.Environment=%ff%fe"} {
		f.Add(b)
	}
	c, ss := fuzzConsole(f)
	f.Fuzz(func(t *testing.T, body string) {
		rec := c.fuzzRequest(ss, http.MethodPost, "/execute", body+"&csrf="+url.QueryEscape(ss.csrf))
		if !fuzzStatuses[rec.Code] {
			t.Fatalf("POST /execute %q: %d\n%s", body, rec.Code, rec.Body)
		}
	})
}

// FuzzParseParam: typed-in values convert or fail with an error.
func FuzzParseParam(f *testing.F) {
	for _, s := range [][2]string{{"Int32", "12"}, {"DateTime", "2026-01-01T10:00"}, {"Decimal", "1." + strings.Repeat("9", 40)},
		{"UInt64", "-1"}, {"Boolean", "TRUE"}, {"Single", "1e39"}, {"Object", "x"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, ssisType, text string) {
		v, err := parseParam(ssisType, text)
		if err == nil && v.IsNull() {
			t.Fatalf("%s %q: NULL without an error", ssisType, text)
		}
	})
}
