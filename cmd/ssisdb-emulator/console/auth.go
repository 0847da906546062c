package console

import (
	"net/http"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

type loginPage struct {
	Login string
	Next  string
	Error string
}

// loginForm shows the sign-in form. The form gets a session of its own so
// that its POST carries a CSRF token too (no login CSRF).
func (c *Console) loginForm(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if _, caller := c.signedIn(r); caller != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	ss := c.sessionOf(r)
	if ss == nil {
		ss = c.sessions.create("", nil)
		c.setCookie(w, ss)
	}
	w.Header().Set("Cache-Control", "no-store")
	c.render(w, nil, http.StatusOK, "login", pageData{Title: "Sign in", CSRF: ss.csrf, Data: loginPage{Next: next}})
}

// login checks the password as the TDS listener does (catalog.Authenticate
// takes the same time for an unknown login and a wrong password) and starts
// a new session: the sign-in form's session id is never promoted.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	ss := c.sessionOf(r)
	if err := c.checkForm(r, ss); err != nil {
		c.log.Warn("console: sign-in form refused", "err", err)
		c.fail(w, r, nil, http.StatusForbidden, "Forbidden: "+err.Error()+".")
		return
	}
	name := r.PostFormValue("login")
	next := localPath(r.PostFormValue("next"))
	if c.cat.Authenticate(r.Context(), name, r.PostFormValue("password")) {
		if caller, err := c.cat.CallerFor(name); err == nil {
			c.sessions.delete(ss.id)
			ns := c.sessions.create(caller.Login, caller.SID)
			c.setCookie(w, ns)
			c.log.Info("console: signed in", "login", caller.Login)
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
	}
	c.log.Info("console: sign-in failed", "login", name)
	w.Header().Set("Cache-Control", "no-store")
	msg := sqlerr.New(18456, 14, 1, "Login failed for user '%s'.", name).Error()
	c.render(w, nil, http.StatusUnauthorized, "login", pageData{Title: "Sign in", CSRF: ss.csrf,
		Data: loginPage{Login: name, Next: next, Error: msg}})
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	ss := c.sessionOf(r)
	if err := c.checkForm(r, ss); err != nil {
		c.fail(w, r, nil, http.StatusForbidden, "Forbidden: "+err.Error()+".")
		return
	}
	c.sessions.delete(ss.id)
	c.clearCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
