package console

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/clock"
)

// A session is one browser's state on the server: the login it signed in as
// (empty before sign-in, when the session only carries the sign-in form's
// CSRF token) and its CSRF token. The cookie carries only the random id.
type session struct {
	id       string
	csrf     string
	login    string
	sid      []byte // the login's SID at sign-in: a dropped and re-created login does not inherit the session
	created  time.Time
	lastSeen time.Time
	results  []runResult // the last Execute in Scale Out outcome, shown once
}

// sessionStore keeps sessions in memory with an idle expiry on the injected
// clock.
type sessionStore struct {
	mu        sync.Mutex
	clk       clock.Clock
	idle      time.Duration // signed-in sessions
	anonIdle  time.Duration // sessions that only hold a sign-in form
	max       int
	lastSweep time.Time
	m         map[string]*session
}

func newSessionStore(clk clock.Clock, idle time.Duration, max int) *sessionStore {
	return &sessionStore{clk: clk, idle: idle, anonIdle: min(idle, time.Hour), max: max, m: map[string]*session{}}
}

// newToken is 128 random bits as text; crypto/rand.Text never fails.
func newToken() string { return rand.Text() + rand.Text()[:6] }

func (s *sessionStore) expired(ss *session, now time.Time) bool {
	ttl := s.idle
	if ss.login == "" {
		ttl = s.anonIdle
	}
	return now.Sub(ss.lastSeen) >= ttl
}

// create starts a session for login ("" for a sign-in form).
func (s *sessionStore) create(login string, sid []byte) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clk.Now()
	if now.Sub(s.lastSweep) >= time.Minute || len(s.m) >= s.max {
		s.sweep(now)
	}
	ss := &session{id: newToken(), csrf: newToken(), login: login, sid: sid, created: now, lastSeen: now}
	s.m[ss.id] = ss
	return ss
}

// sweep drops expired sessions and, when the store is still full, the ones
// idle longest, anonymous first. Call with s.mu held.
func (s *sessionStore) sweep(now time.Time) {
	s.lastSweep = now
	for id, ss := range s.m {
		if s.expired(ss, now) {
			delete(s.m, id)
		}
	}
	for len(s.m) >= s.max {
		var victim *session
		for _, ss := range s.m {
			if victim == nil || betterVictim(ss, victim) {
				victim = ss
			}
		}
		delete(s.m, victim.id)
	}
}

// betterVictim prefers dropping a sign-in form's session, then the one
// idle longest.
func betterVictim(a, b *session) bool {
	if (a.login == "") != (b.login == "") {
		return a.login == ""
	}
	return a.lastSeen.Before(b.lastSeen)
}

// get returns the live session with this id and marks it used, or nil.
func (s *sessionStore) get(id string) *session {
	if id == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.m[id]
	if ss == nil {
		return nil
	}
	now := s.clk.Now()
	if s.expired(ss, now) {
		delete(s.m, id)
		return nil
	}
	ss.lastSeen = now
	return ss
}

func (s *sessionStore) delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

func (s *sessionStore) setResults(ss *session, r []runResult) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss.results = r
}

func (s *sessionStore) takeResults(ss *session) []runResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := ss.results
	ss.results = nil
	return r
}

func (s *sessionStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// cookieName has the __Host- prefix when cookies are Secure, which pins the
// cookie to this host and path /.
func (c *Console) cookieName() string {
	if c.secure {
		return "__Host-ssisdb_console"
	}
	return "ssisdb_console"
}

func (c *Console) setCookie(w http.ResponseWriter, ss *session) {
	http.SetCookie(w, &http.Cookie{Name: c.cookieName(), Value: ss.id, Path: "/", HttpOnly: true,
		Secure: c.secure, SameSite: http.SameSiteStrictMode})
}

func (c *Console) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: c.cookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: c.secure, SameSite: http.SameSiteStrictMode})
}

func (c *Console) sessionOf(r *http.Request) *session {
	ck, err := r.Cookie(c.cookieName())
	if err != nil {
		return nil
	}
	return c.sessions.get(ck.Value)
}

var (
	errCSRF   = errors.New("the form's CSRF token is missing or does not match this session; reload the page and try again")
	errOrigin = errors.New("the request comes from another site")
)

// checkForm applies the CSRF defences to a POST: the request must come from
// this site (Sec-Fetch-Site / Origin, then Referer when neither is sent) and
// carry the session's token in the form field "csrf".
func (c *Console) checkForm(r *http.Request, ss *session) error {
	if err := c.cop.Check(r); err != nil {
		return errOrigin
	}
	if r.Header.Get("Sec-Fetch-Site") == "" && r.Header.Get("Origin") == "" {
		if ref := r.Header.Get("Referer"); ref != "" {
			u, err := url.Parse(ref)
			if err != nil || u.Host != r.Host {
				return errOrigin
			}
		}
	}
	if ss == nil {
		return errCSRF
	}
	got := r.PostFormValue("csrf")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(ss.csrf)) != 1 {
		return errCSRF
	}
	return nil
}
