package catalog

import (
	"context"
	"strings"
	"unicode/utf16"

	//lint:ignore SA1019 the NT hash is MD4 by definition (MS-NLMP NTOWFv1)
	"golang.org/x/crypto/md4"
)

// Windows-style logins over the wire: every real client turns a DOMAIN\user
// name into integrated security (NTLM), which never carries the password,
// only a response keyed by the NT hash. So a Windows-style login keeps its
// NT hash (MD4 of the UTF-16LE password) beside the PBKDF2 hash whenever its
// password is set, and NTHash hands it to the wire (tds.NTLMAuthenticator).
// The NT hash is password-equivalent for NTLM; SQL logins never get one.

// setPassword stores what a login's password is checked against.
func (c *Catalog) setPassword(l *Login, password string) {
	l.Salt, l.Hash = c.hashPassword(password)
	l.NTHash = nil
	if l.Type == 'U' {
		h := NTHash(password)
		l.NTHash = h[:]
	}
}

// NTHash is the NT hash of a password: MD4 of its UTF-16LE form.
func NTHash(password string) [16]byte {
	h := md4.New()
	b := make([]byte, 0, 2*len(password))
	for _, u := range utf16.Encode([]rune(password)) {
		b = append(b, byte(u), byte(u>>8))
	}
	h.Write(b)
	var out [16]byte
	h.Sum(out[:0])
	return out
}

// dummyNTHash is what NTHash returns for no login, so that the caller does
// the same work as for a wrong password.
var dummyNTHash = NTHash("\x00no such login\x00")

// NTHash finds the Windows-style login (type U) that an NTLM client's
// domain and user name stand for and returns its name and NT hash; it
// implements tds.NTLMAuthenticator. Names compare case-insensitively:
// CONTOSO\alice matches domain "contoso", user "ALICE". A client that sends
// no domain matches the one Windows-style login whose name ends in
// \user; with two or more such logins (CONTOSO\alice and FABRIKAM\alice) it
// matches none. ok is false for no match, a disabled login or one without a
// password; SQL logins never match, whatever their name.
func (c *Catalog) NTHash(ctx context.Context, domain, user string) (login string, hash [16]byte, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var found *Login
	n := 0
	for _, l := range c.st.Logins {
		if l.Type != 'U' {
			continue
		}
		d, u, cut := strings.Cut(l.Name, `\`)
		if !cut || !strings.EqualFold(u, user) || domain != "" && !strings.EqualFold(d, domain) {
			continue
		}
		found = l
		n++
	}
	if n != 1 || found.Disabled || len(found.NTHash) != len(hash) {
		return "", dummyNTHash, false
	}
	copy(hash[:], found.NTHash)
	return found.Name, hash, true
}
