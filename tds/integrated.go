package tds

import (
	"context"
	"errors"
	"fmt"
)

// errUntrusted is what a client hears when its integrated login cannot be
// used at all: no NTLM on this server, or a token that is not NTLM (SPNEGO,
// Kerberos) or does not decode.
var errUntrusted = &Message{Number: 18452, State: 1, Class: 14,
	Text: "Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication."}

// anonymousLogon is how SQL Server names a client that authenticated with
// an empty NTLM user name.
const anonymousLogon = `NT AUTHORITY\ANONYMOUS LOGON`

// integratedLogin runs the NTLM exchange of a LOGIN7 that set fIntSecurity:
// CHALLENGE out in an SSPI token, AUTHENTICATE in as packet type 0x11. On
// success l names the login (DOMAIN\user as the client spelled it) and is
// marked Integrated. On failure the reply (18452 or 18456) has been sent
// and the returned error ends the connection.
func (c *conn) integratedLogin(ctx context.Context, l *Login) error {
	token := l.sspi
	l.sspi, l.Password = nil, ""
	na, ok := c.srv.auth.(NTLMAuthenticator)
	if !ok {
		c.untrusted()
		return errors.New("integrated authentication: the server has no NTLM authenticator")
	}
	if !isNTLM(token) {
		c.untrusted()
		return fmt.Errorf("integrated authentication: the SSPI token (%d bytes) is not NTLM", len(token))
	}
	neg, err := decodeNTLMNegotiate(token)
	if err != nil {
		c.untrusted()
		return fmt.Errorf("NTLM NEGOTIATE: %w", err)
	}
	x, err := newNTLMExchange(token, neg, c.srv.cfg.ServerName, c.srv.cfg.Now())
	if err != nil {
		return fmt.Errorf("NTLM challenge: %w", err)
	}
	b := c.pw.begin(pktReply)
	b = appendSSPIToken(b, x.challenge)
	_, err = c.pw.flush(b, true)
	c.pw.release()
	if err != nil {
		return err
	}

	msg, err := c.pr.readMessage()
	if err != nil {
		return err
	}
	defer msg.release()
	if msg.typ != pktSSPI {
		return malformed("expected the NTLM AUTHENTICATE (packet type 0x11), got packet type 0x%02X", msg.typ)
	}
	a, err := decodeNTLMAuthenticate(msg.data)
	if err != nil {
		c.untrusted()
		return fmt.Errorf("NTLM AUTHENTICATE: %w", err)
	}
	name := a.User
	if a.Domain != "" {
		name = a.Domain + `\` + a.User
	}
	if a.User == "" {
		l.UserName = anonymousLogon
		c.failLogin(l, nil)
		return errors.New("NTLM: anonymous logins are refused")
	}
	login, hash, found := na.NTHash(ctx, a.Domain, a.User)
	res := x.verify(hash, a, msg.data)
	if !found || !res.OK {
		l.UserName = name
		c.failLogin(l, nil)
		why := res.Failure
		if !found {
			why = "no enabled Windows-style login with a password matches"
		}
		return fmt.Errorf("NTLM login failed for %q: %s", name, why)
	}
	c.log.Debug("tds: NTLM verified", "spid", c.spid, "login", login, "response", res.Response, "mic", res.MIC,
		"negotiate_flags", fmt.Sprintf("%08X", neg.Flags), "flags", fmt.Sprintf("%08X", a.Flags), "workstation", a.Workstation)
	if a.Domain == "" {
		name = login // the one Windows-style login with that user name
	}
	l.UserName, l.Integrated = name, true
	if l.HostName == "" {
		l.HostName = a.Workstation
	}
	return nil
}

// untrusted refuses an integrated login with 18452.
func (c *conn) untrusted() {
	c.srv.loginFails.Add(1)
	if m := c.srv.cfg.Metrics; m != nil {
		m.LoginFailed()
	}
	c.loginError(errUntrusted, nil)
}
