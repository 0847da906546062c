package catalog

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

func TestNTHashValue(t *testing.T) {
	for pw, want := range map[string]string{
		"":         "31d6cfe0d16ae931b73c59d7e0c089c0",
		"Password": "a4f49c406510bdcab6824ee7c30fd852", // MS-NLMP 4.2.2.1.2
	} {
		if h := NTHash(pw); hex.EncodeToString(h[:]) != want {
			t.Errorf("NTHash(%q) = %x, want %s", pw, h, want)
		}
	}
}

// loginNTHash reads a login's stored NT hash.
func (e *env) loginNTHash(name string) []byte {
	e.c.mu.RLock()
	defer e.c.mu.RUnlock()
	return e.c.st.loginByName(name).NTHash
}

func TestNTHashLookup(t *testing.T) {
	e := newEnv(t, false)
	admin := NTHash("pw") // lAdmin's configured password
	type tc struct {
		domain, user string
		login        string // "" for no match
		hash         [16]byte
	}
	check := func(t *testing.T, cases []tc) {
		t.Helper()
		for _, c := range cases {
			login, hash, ok := e.c.NTHash(e.ctx, c.domain, c.user)
			if ok != (c.login != "") || login != c.login {
				t.Errorf("NTHash(%q, %q) = %q, %v", c.domain, c.user, login, ok)
				continue
			}
			want := c.hash
			if !ok {
				want = dummyNTHash
			}
			if hash != want {
				t.Errorf("NTHash(%q, %q): hash %x, want %x", c.domain, c.user, hash, want)
			}
		}
	}
	check(t, []tc{
		{"EMU", "admin", lAdmin, admin},
		{"emu", "ADMIN", lAdmin, admin},
		{"", "admin", lAdmin, admin},                 // the only *\admin
		{"OTHER", "admin", "", [16]byte{}},           // another domain
		{"EMU", "nosuch", "", [16]byte{}},            // no such login
		{"EMU", "ssisadmin", "", [16]byte{}},         // no password configured
		{"", "sa", "", [16]byte{}},                   // a SQL login, whatever its password
		{"EMU", "sa", "", [16]byte{}},                // nor under a domain
		{"", "sqladmin", "", [16]byte{}},             // SQL login in ssis_admin
		{"", "sysadmin", "", [16]byte{}},             // a server role
		{"EMU", "", "", [16]byte{}},                  // no user name
		{"", `EMU\admin`, "", [16]byte{}},            // the whole name as the user
		{"EMU", `admin\x`, "", [16]byte{}},           // nor anything around it
		{"EMU\\admin", "admin", "", [16]byte{}},      // nor in the domain
		{"EM", "admin", "", [16]byte{}},              // domains match whole
		{"EMU", "admi", "", [16]byte{}},              // and users too
		{"EMU", "admin ", "", [16]byte{}},            // no trimming
		{"EMU.example.com", "admin", "", [16]byte{}}, // NetBIOS names only
	})

	// Every way a password is set keeps the NT hash of a Windows-style
	// login: SetLoginPassword (emulator.set_login_password), CREATE LOGIN
	// ... FROM WINDOWS with the emulator's password, ALTER LOGIN ... WITH
	// PASSWORD.
	must(t, e.c.SetLoginPassword(lSSIS, "ssis-pw"))
	must(t, e.c.CreateLogin(e.ctx, nil, e.as(lSA), `OTHER\admin`, "other-pw", true))
	must(t, e.c.CreateLogin(e.ctx, nil, e.as(lSA), `OTHER\carol`, "", true))
	check(t, []tc{
		{"EMU", "ssisadmin", lSSIS, NTHash("ssis-pw")},
		{"OTHER", "admin", `OTHER\admin`, NTHash("other-pw")},
		{"EMU", "admin", lAdmin, admin},
		{"", "admin", "", [16]byte{}}, // two *\admin logins: ambiguous
		{"OTHER", "carol", "", [16]byte{}},
	})
	pw := "carol-pw"
	must(t, e.c.AlterLogin(e.ctx, nil, e.as(lSA), `OTHER\carol`, LoginChange{Password: &pw}))
	check(t, []tc{{"other", "CAROL", `OTHER\carol`, NTHash(pw)}})

	// A rolled-back ALTER LOGIN restores the old hash.
	tx := e.c.Begin()
	other := "changed"
	must(t, e.c.AlterLogin(e.ctx, tx, e.as(lSA), `OTHER\carol`, LoginChange{Password: &other}))
	check(t, []tc{{"OTHER", "carol", `OTHER\carol`, NTHash(other)}})
	tx.Rollback()
	check(t, []tc{{"OTHER", "carol", `OTHER\carol`, NTHash(pw)}})

	// Disabled logins do not match; enabled again, they do.
	off, on := true, false
	must(t, e.c.AlterLogin(e.ctx, nil, e.as(lSA), lAdmin, LoginChange{Disabled: &off}))
	check(t, []tc{{"EMU", "admin", "", [16]byte{}}})
	must(t, e.c.AlterLogin(e.ctx, nil, e.as(lSA), lAdmin, LoginChange{Disabled: &on}))
	check(t, []tc{{"EMU", "admin", lAdmin, admin}})

	// A dropped login is gone.
	must(t, e.c.DropLogin(e.ctx, nil, e.as(lSA), `OTHER\admin`))
	check(t, []tc{{"OTHER", "admin", "", [16]byte{}}, {"", "admin", lAdmin, admin}})

	// emulator.reset rebuilds the principals from the configured logins,
	// NT hashes included; logins made since are gone.
	e.c.Reset(e.ctx)
	e.cache = map[string]*Caller{}
	check(t, []tc{{"EMU", "admin", lAdmin, admin}, {"OTHER", "carol", "", [16]byte{}}})

	// SQL logins never keep an NT hash, however their password is set.
	must(t, e.c.CreateLogin(e.ctx, nil, e.as(lSA), "sqlnew", "sql-pw", false))
	must(t, e.c.SetLoginPassword("sa", "new-sa-pw"))
	for _, name := range []string{"sa", "sqlnew", lSQLAdmin} {
		if h := e.loginNTHash(name); h != nil {
			t.Errorf("SQL login %s has an NT hash %x", name, h)
		}
	}
}

// The store writes logins as JSON (catalog/store): the NT hash travels
// with them, and SQL logins carry no field for it.
func TestNTHashInJSON(t *testing.T) {
	e := newEnv(t, false)
	e.c.mu.RLock()
	win, sql := *e.c.st.loginByName(lAdmin), *e.c.st.loginByName(lSA)
	e.c.mu.RUnlock()
	b, err := json.Marshal(win)
	if err != nil {
		t.Fatal(err)
	}
	var back Login
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if want := NTHash("pw"); string(back.NTHash) != string(want[:]) {
		t.Errorf("NT hash after JSON: %x", back.NTHash)
	}
	if b, _ := json.Marshal(sql); strings.Contains(string(b), "NTHash") {
		t.Errorf("a SQL login's JSON has an NTHash field: %s", b)
	}
}
