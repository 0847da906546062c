package console

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config configures a Console.
type Config struct {
	Catalog *catalog.Catalog // required
	// Master adds what catalog.worker_agents does not show: online state,
	// running tasks and MaxTaskCount. Nil leaves those columns empty.
	Master *scaleout.Master
	Clock  clock.Clock  // sessions expire on it; default clock.Real()
	Logger *slog.Logger // default discards
	// SecureCookies marks the session cookie Secure (and names it with the
	// __Host- prefix); set it when the console is served over TLS.
	SecureCookies bool
	// SessionIdle is how long a signed-in session lives without a request
	// (default 8h).
	SessionIdle time.Duration
	// MaxSessions bounds the session store (default 10000); the sessions
	// idle longest go first.
	MaxSessions int
	// Refresh is how often a page showing running or pending executions
	// reloads its live part (default 2s).
	Refresh time.Duration
}

// Console is the web console: an http.Handler meant to be mounted at "/".
type Console struct {
	cat      *catalog.Catalog
	master   *scaleout.Master
	clk      clock.Clock
	log      *slog.Logger
	secure   bool
	refresh  time.Duration
	sessions *sessionStore
	cop      *http.CrossOriginProtection
	pages    map[string]*template.Template
	static   fs.FS
	mux      *http.ServeMux
}

// New returns the console for cfg.
func New(cfg Config) (*Console, error) {
	if cfg.Catalog == nil {
		return nil, errors.New("console: Config.Catalog is required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 8 * time.Hour
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = 10000
	}
	if cfg.Refresh <= 0 {
		cfg.Refresh = 2 * time.Second
	}
	c := &Console{
		cat: cfg.Catalog, master: cfg.Master, clk: cfg.Clock, log: cfg.Logger, secure: cfg.SecureCookies,
		refresh:  cfg.Refresh,
		sessions: newSessionStore(cfg.Clock, cfg.SessionIdle, cfg.MaxSessions),
		cop:      http.NewCrossOriginProtection(),
	}
	var err error
	if c.pages, err = parsePages(); err != nil {
		return nil, err
	}
	if c.static, err = fs.Sub(staticFS, "static"); err != nil {
		return nil, err
	}
	c.routes()
	return c, nil
}

var pageNames = []string{"login", "report", "overview", "messages", "select", "configure", "result", "workers",
	"worker_edit", "error"}

func parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		// f prints an SVG coordinate; addf offsets one.
		"f":    func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) },
		"addf": func(a, b float64) float64 { return a + b },
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("console: %w", err)
		}
		out[name] = t
	}
	return out, nil
}

func (c *Console) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/executions", http.StatusSeeOther)
	})
	m.HandleFunc("GET /login", c.loginForm)
	m.HandleFunc("POST /login", c.login)
	m.HandleFunc("POST /logout", c.logout)
	m.HandleFunc("GET /static/{file}", c.serveStatic)

	m.Handle("GET /executions", c.page(c.report))
	m.Handle("GET /executions/{id}", c.page(c.overview))
	m.Handle("GET /executions/{id}/messages", c.page(c.messages))
	m.Handle("POST /executions/{id}/stop", c.action(c.stop))

	m.Handle("GET /execute", c.page(c.selectPackages))
	m.Handle("GET /execute/configure", c.page(c.configure))
	m.Handle("POST /execute", c.action(c.execute))
	m.Handle("GET /execute/result", c.page(c.result))

	m.Handle("GET /workers", c.page(c.workers))
	m.Handle("POST /workers/{id}/enable", c.action(c.enableWorker))
	m.Handle("POST /workers/{id}/disable", c.action(c.disableWorker))
	m.Handle("GET /workers/{id}/edit", c.page(c.editWorkerForm))
	m.Handle("POST /workers/{id}/edit", c.action(c.editWorker))

	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		c.fail(w, r, nil, http.StatusNotFound, "There is no page at "+r.URL.Path+".")
	})
	c.mux = m
}

// ServeHTTP serves the console. Every response forbids framing, sniffing
// and any script or style that is not the console's own.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			c.log.Error("console: panic", "path", r.URL.Path, "panic", v)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}()
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	}
	c.mux.ServeHTTP(w, r)
}

func (c *Console) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	data, err := fs.ReadFile(c.static, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case ".svg":
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}

// request is a signed-in request: its session, the catalog caller and what
// the login may do.
type request struct {
	*http.Request
	s      *session
	caller *catalog.Caller
	user   *viewer
}

func (q *request) ctx() context.Context { return q.Request.Context() }

// signedIn resolves the session's login to a caller again on every request,
// so a dropped login (or one re-created under the same name) loses its
// sessions, and role changes apply at once.
func (c *Console) signedIn(r *http.Request) (*session, *catalog.Caller) {
	ss := c.sessionOf(r)
	if ss == nil || ss.login == "" {
		return ss, nil
	}
	caller, err := c.cat.CallerFor(ss.login)
	if err != nil || !bytes.Equal(caller.SID, ss.sid) || c.loginDisabled(r.Context(), caller) {
		c.sessions.delete(ss.id)
		return nil, nil
	}
	return ss, caller
}

// loginDisabled reads the login's own row of sys.server_principals (every
// login sees its own): ALTER LOGIN ... DISABLE ends its console sessions as
// it refuses its next TDS login.
func (c *Console) loginDisabled(ctx context.Context, caller *catalog.Caller) bool {
	t, err := c.read(ctx, caller, "sys", "server_principals")
	if err != nil {
		return false
	}
	for _, r := range t.rows {
		if v := t.val(r, "sid"); !v.IsNull() && bytes.Equal(v.Bytes(), caller.SID) {
			return t.bit(r, "is_disabled")
		}
	}
	return false
}

// page wraps a GET handler that needs a signed-in user; others go to the
// sign-in form and come back.
func (c *Console) page(h func(http.ResponseWriter, *request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ss, caller := c.signedIn(r)
		if caller == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, &request{Request: r, s: ss, caller: caller, user: c.viewerFor(r.Context(), caller)})
	})
}

// action wraps a POST handler: CSRF and origin checks first (403), then the
// signed-in user.
func (c *Console) action(h func(http.ResponseWriter, *request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ss, caller := c.signedIn(r)
		if err := c.checkForm(r, ss); err != nil {
			c.log.Warn("console: form refused", "path", r.URL.Path, "err", err)
			c.fail(w, r, nil, http.StatusForbidden, "Forbidden: "+err.Error()+".")
			return
		}
		if caller == nil {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, &request{Request: r, s: ss, caller: caller, user: c.viewerFor(r.Context(), caller)})
	})
}

// pageData is what the layout needs around every page's content.
type pageData struct {
	Title     string
	Nav       string
	User      *viewer
	CSRF      string
	RefreshMS int64
	Zone      string
	Notice    string
	Data      any
}

func (c *Console) render(w http.ResponseWriter, q *request, status int, name string, pd pageData) {
	if q != nil {
		pd.User = q.user
		pd.CSRF = q.s.csrf
	}
	pd.Zone = zoneName(c.clk.Now())
	var buf bytes.Buffer
	if err := c.pages[name].ExecuteTemplate(&buf, "layout", pd); err != nil {
		c.log.Error("console: render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail renders an error page. q may be nil (not signed in).
func (c *Console) fail(w http.ResponseWriter, r *http.Request, q *request, status int, msg string) {
	if q == nil {
		if ss, caller := c.signedIn(r); caller != nil {
			q = &request{Request: r, s: ss, caller: caller, user: c.viewerFor(r.Context(), caller)}
		}
	}
	c.render(w, q, status, "error", pageData{Title: http.StatusText(status), Data: msg})
}

// sqlText renders a catalog error as SQL Server clients print it; other
// errors are logged and shown without their details.
func (c *Console) sqlText(err error) string {
	if e, ok := sqlerr.As(err); ok {
		return e.Error()
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "The request was cancelled."
	}
	c.log.Error("console: unexpected error", "err", err)
	return "The console could not complete the request: an unexpected error was logged on the server."
}

// viewer is the signed-in login and what it may do, for the pages to hide
// what would only fail. The catalog still checks every action.
type viewer struct {
	Login      string
	Roles      []string
	Admin      bool // ssis_admin or sysadmin: may manage workers
	ScaleOut   bool // may run in Scale Out (ssis_admin, ssis_cluster_executor, sysadmin)
	CanExecute bool // admin, or EXECUTE on at least one project
	NoAccess   string
}

var ssisRoles = []string{"ssis_admin", "ssis_cluster_executor", "ssis_logreader", "ssis_cluster_worker",
	"ssis_failover_monitoring_agent"}

func (c *Console) viewerFor(ctx context.Context, caller *catalog.Caller) *viewer {
	v := &viewer{Login: caller.Login}
	sysadmin := c.cat.IsSysadmin(caller)
	if sysadmin {
		v.Roles = append(v.Roles, "sysadmin")
	}
	member := map[string]bool{}
	for _, r := range ssisRoles {
		if c.cat.IsMember(caller, r) {
			member[r] = true
			v.Roles = append(v.Roles, r)
		}
	}
	v.Admin = sysadmin || member["ssis_admin"]
	v.ScaleOut = v.Admin || member["ssis_cluster_executor"]
	if err := c.cat.CanAccessDatabase(caller, catalog.SSISDB); err != nil {
		v.NoAccess = c.sqlText(err)
	}
	v.CanExecute = v.Admin
	if !v.CanExecute && v.NoAccess == "" {
		if t, err := c.read(ctx, caller, "catalog", "effective_object_permissions"); err == nil {
			for _, r := range t.rows {
				if t.i64(r, "object_type") == 2 && t.i64(r, "permission_type") == 3 {
					v.CanExecute = true
					break
				}
			}
		}
	}
	return v
}

// localPath keeps a post-sign-in redirect on this site.
func localPath(p string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") ||
		strings.ContainsAny(p, "\r\n") {
		return "/executions"
	}
	return p
}
