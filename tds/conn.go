package tds

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var errTooManyFiles = syscall.EMFILE

// conn is one client connection. Its reader goroutine (serve) owns the
// socket's read side for the connection's whole life and never runs a
// request: requests run on an executor goroutine, which stays while requests
// keep coming and exits after executorLinger without one. So an ATTENTION is
// read and honoured while a request runs, and an idle connection holds one
// parked goroutine and no buffers.
type conn struct {
	srv     *Server
	raw     net.Conn
	log     *slog.Logger
	spid    uint16
	refused bool // over MaxConnections: answer 17809 at login

	ver       uint32 // TDS version of LOGINACK
	coll      Collation
	encrypted bool
	pr        packetReader
	pw        packetWriter
	sess      Session
	loggedIn  atomic.Bool
	timedOut  atomic.Bool

	// ctx is the parent of the request contexts; it ends with the
	// connection. Deriving requests from it rather than from the server's
	// context keeps connections from contending on one parent.
	ctx    context.Context
	cancel context.CancelCauseFunc
	resp   response // reused by each request

	mu         sync.Mutex
	running    bool // a request is executing
	ending     bool // the running request is writing its last packet
	attn       bool // ATTENTION arrived for the running request
	cancelReq  context.CancelCauseFunc
	execDone   chan struct{} // closed when the running request is over
	execParked bool          // an executor waits on work for the next request
	work       chan request
	closeAfter bool // Shutdown: close once idle
	closed     bool
}

// request is one message handed to the executor.
type request struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	msg    message
	done   chan struct{}
}

// executorLinger is how long an executor goroutine waits for the next
// request before it exits. Clients send requests back to back, and a
// goroutine that stays keeps its grown stack; a connection idle for longer
// holds no executor at all.
const executorLinger = 100 * time.Millisecond

func newConn(s *Server, raw net.Conn, spid uint16) *conn {
	return &conn{srv: s, raw: raw, spid: spid, coll: DefaultCollation, log: s.log}
}

// serve runs the connection: handshake, login, then the request loop.
func (c *conn) serve() {
	defer c.srv.release(c)
	defer c.close()
	c.ctx, c.cancel = context.WithCancelCause(c.srv.ctx)
	defer c.cancel(ErrClientGone)
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("tds: panic in connection reader", "spid", c.spid, "panic", p, "stack", string(debug.Stack()))
		}
	}()
	if err := c.handshake(); err != nil {
		c.logClose("login", err)
		return
	}
	c.loop()
}

// refuse answers a connection over MaxConnections with 17809.
func (c *conn) refuse() {
	defer func() {
		c.srv.mu.Lock()
		delete(c.srv.refused, c)
		c.srv.mu.Unlock()
		c.srv.wg.Done()
	}()
	defer c.close()
	if err := c.handshake(); err != nil {
		c.logClose("refusal", err)
	}
}

func (c *conn) logClose(phase string, err error) {
	switch {
	case c.timedOut.Load():
		c.log.Info("tds: login timeout; connection closed", "spid", c.spid, "remote", c.raw.RemoteAddr().String())
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), errors.Is(err, syscall.ECONNRESET):
		c.log.Debug("tds: connection closed by the client", "spid", c.spid, "phase", phase)
	default:
		c.log.Warn("tds: connection closed", "spid", c.spid, "phase", phase, "remote", c.raw.RemoteAddr().String(), "err", err)
	}
}

// close closes the socket and the session once, and lets a parked
// executor go.
func (c *conn) close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	if c.execParked {
		c.execParked = false
		close(c.work)
	}
	c.mu.Unlock()
	c.raw.Close()
	if c.sess != nil {
		c.sess.Close()
	}
}

// closeWhenIdle is Shutdown's request: close now if no request runs,
// otherwise once the running one ends.
func (c *conn) closeWhenIdle() {
	c.mu.Lock()
	running := c.running && c.loggedIn.Load()
	c.closeAfter = true
	c.mu.Unlock()
	if !running {
		c.raw.Close()
	}
}

// handshake reads PRELOGIN (after TLS for TDS 8.0), negotiates TLS and
// runs the login.
func (c *conn) handshake() error {
	stop := c.srv.afterFunc(c.srv.cfg.LoginTimeout, func() {
		c.timedOut.Store(true)
		c.raw.Close()
	})
	defer stop()
	c.pr = packetReader{maxSize: c.srv.cfg.MaxMessageSize, onBytes: c.srv.countRead}
	c.pw = packetWriter{size: defaultPacketSize, spid: c.spid, onBytes: c.srv.countWritten}

	var first [1]byte
	if _, err := io.ReadFull(c.raw, first[:]); err != nil {
		return err
	}
	base := &prefixConn{Conn: c.raw, first: first[0], has: true}
	strict := false
	switch first[0] {
	case pktPrelogin:
		c.setTransport(base) // nothing is buffered yet
	case 0x16: // a TLS ClientHello: TDS 8.0
		if c.srv.strict == nil {
			return malformed("TDS 8.0 (strict encryption) client, but TLS is off")
		}
		tc := tls.Server(base, c.srv.strict)
		if err := tc.HandshakeContext(c.srv.ctx); err != nil {
			return fmt.Errorf("TDS 8.0 TLS handshake: %w", err)
		}
		c.srv.tlsHandshakes.Add(1)
		c.setTransport(tc) // nothing is buffered yet
		c.encrypted, strict = true, true
	default:
		return malformed("first byte 0x%02X is neither PRELOGIN nor TLS", first[0])
	}

	msg, err := c.pr.readMessage()
	if err != nil {
		return err
	}
	if msg.typ != pktPrelogin {
		msg.release()
		return malformed("expected PRELOGIN, got packet type 0x%02X", msg.typ)
	}
	pre, err := decodePrelogin(msg.data)
	msg.release()
	if err != nil {
		return err
	}
	reply, use := negotiateEncryption(c.srv.cfg.TLS, pre.Encryption, pre.HasEncrypt)
	if strict {
		reply, use = encryptOn, tlsNone
	}
	if err := c.pw.writeMessage(pktReply, preloginReply(reply)); err != nil {
		return err
	}
	switch use {
	case tlsRefuse:
		return malformed("client refused encryption, which this server requires")
	case tlsLoginOnly, tlsFull:
		if c.pr.buffered() != 0 {
			return malformed("data arrived before the PRELOGIN reply")
		}
		hs := &handshakeConn{Conn: base, spid: c.spid}
		tc := tls.Server(hs, c.srv.inBand)
		if err := tc.HandshakeContext(c.srv.ctx); err != nil {
			return fmt.Errorf("TLS handshake: %w", err)
		}
		c.srv.tlsHandshakes.Add(1)
		hs.passthrough = true
		if len(hs.pending) == 0 {
			hs.packet = nil
		}
		if err := c.setTransport(tc); err != nil {
			return err
		}
		c.encrypted = use == tlsFull
	}

	msg, err = c.pr.readMessage()
	if err != nil {
		return err
	}
	defer msg.release()
	if use == tlsLoginOnly {
		// Login-only encryption: the reply and all that follows are plain.
		if err := c.setTransport(base); err != nil {
			return err
		}
	}
	if msg.typ != pktLogin7 {
		return malformed("expected LOGIN7, got packet type 0x%02X", msg.typ)
	}
	c.srv.countRequest(RequestLogin)
	return c.doLogin(msg.data)
}

// setTransport switches between plain TCP and TLS. Clients wait for a reply
// before each switch, so no read-ahead byte may be pending.
func (c *conn) setTransport(rw io.ReadWriter) error {
	if c.pr.buffered() != 0 {
		return malformed("%d bytes arrived before the server answered", c.pr.buffered())
	}
	if p, ok := rw.(*prefixConn); ok && !p.has {
		rw = p.Conn // its byte has been read: skip a layer on every read
	}
	c.pr.r = rw
	c.pw.w = rw
	return nil
}

// doLogin authenticates, opens the session and sends the login reply.
func (c *conn) doLogin(data []byte) error {
	l, err := decodeLogin7(data)
	if err != nil {
		return err
	}
	ver, ok := ackVersion(l.TDSVersion)
	if !ok {
		return malformed("TDS version 0x%08X is not supported (7.1 or later is)", l.TDSVersion)
	}
	c.ver = ver
	l.SPID, l.RemoteAddr, l.Encrypted = c.spid, c.raw.RemoteAddr(), c.encrypted
	if c.refused {
		c.loginError(&Message{Number: 17809, State: 1, Class: 20, Text: fmt.Sprintf(
			"Could not connect because the maximum number of '%d' user connections has already been reached. "+
				"The system administrator can use sp_configure to increase the maximum value. The connection has been closed.",
			c.srv.cfg.MaxConnections)}, nil)
		return errors.New("refused: maximum connections reached")
	}
	ctx := c.srv.ctx
	if l.OptionFlags2&login7IntSecurity != 0 {
		if err := c.integratedLogin(ctx, l); err != nil {
			return err
		}
	} else {
		l.sspi = nil // SQL authentication has no use for SSPI data
		if !c.srv.auth.Authenticate(ctx, l.UserName, l.Password) {
			c.failLogin(l, nil)
			return fmt.Errorf("login failed for %q", l.UserName)
		}
	}
	sess, res, err := c.srv.handler.Open(ctx, l)
	if err != nil {
		var m *Message
		if !errors.As(err, &m) {
			c.log.Error("tds: opening a session failed", "spid", c.spid, "login", l.UserName, "err", err)
			m = nil
		}
		c.failLogin(l, m)
		return fmt.Errorf("login refused for %q: %w", l.UserName, err)
	}
	if sess == nil {
		c.failLogin(l, nil)
		return errors.New("handler returned no session")
	}
	c.sess = sess
	if res == nil {
		res = &LoginResult{}
	}
	if res.Database == "" {
		res.Database = "master"
	}
	if res.Language == "" {
		res.Language = "us_english"
	}
	size := c.negotiatePacketSize(l.PacketSize)
	c.pw.size = size
	b := c.pw.begin(pktReply)
	b, _ = appendEnvChange(b, &EnvChange{Type: EnvDatabase, New: res.Database, Old: "master"}, c.coll)
	b = c.appendMessage(b, &Message{Number: 5701, State: 2, Class: 0, Text: fmt.Sprintf("Changed database context to '%s'.", res.Database)})
	b, _ = appendEnvChange(b, &EnvChange{Type: EnvCollation}, c.coll)
	b, _ = appendEnvChange(b, &EnvChange{Type: EnvLanguage, New: res.Language}, c.coll)
	b = c.appendMessage(b, &Message{Number: 5703, State: 1, Class: 0, Text: fmt.Sprintf("Changed language setting to %s.", res.Language)})
	b = appendLoginAck(b, c.ver)
	if l.OptionFlags3&login7Extension != 0 {
		b = appendFeatureExtAck(b)
	}
	b, _ = appendEnvChange(b, &EnvChange{Type: EnvPacketSize, New: packetSizeString(size), Old: packetSizeString(defaultPacketSize)}, c.coll)
	b = appendDone(b, DoneStatement, DoneFinal, 0, 0, c.ver)
	_, err = c.pw.flush(b, true)
	c.pw.release()
	if err != nil {
		return err
	}
	c.loggedIn.Store(true)
	c.log.Debug("tds: login", "spid", c.spid, "login", l.UserName, "integrated", l.Integrated, "app", l.AppName, "database", res.Database,
		"tds", fmt.Sprintf("%08X", l.TDSVersion), "encrypted", c.encrypted, "packet_size", size)
	return nil
}

// negotiatePacketSize clamps the client's request to the configured bounds
// (and to 16383 under TLS, as SQL Server does); 0 asks for the default.
func (c *conn) negotiatePacketSize(req uint32) int {
	size := int(req)
	if req == 0 || req > 0xFFFF {
		size = defaultPacketSize
	}
	size = max(size, c.srv.cfg.MinPacketSize)
	size = min(size, c.srv.cfg.MaxPacketSize)
	if c.encrypted {
		size = min(size, maxTLSPacketSize)
	}
	return size
}

// failLogin sends an optional reason, then 18456, and the caller closes.
func (c *conn) failLogin(l *Login, reason *Message) {
	c.srv.loginFails.Add(1)
	if m := c.srv.cfg.Metrics; m != nil {
		m.LoginFailed()
	}
	c.loginError(reason, &Message{Number: 18456, State: 1, Class: 14,
		Text: fmt.Sprintf("Login failed for user '%s'.", l.UserName)})
}

func (c *conn) loginError(first, second *Message) {
	b := c.pw.begin(pktReply)
	for _, m := range []*Message{first, second} {
		if m != nil {
			b = c.appendMessage(b, m)
		}
	}
	b = appendDone(b, DoneStatement, DoneError, 0, 0, c.ver)
	c.pw.flush(b, true)
	c.pw.release()
}

func (c *conn) appendMessage(b []byte, m *Message) []byte {
	c.srv.countMessage(m)
	return appendMessage(b, m, c.srv.cfg.ServerName, c.ver)
}

// loop reads requests until the connection ends.
func (c *conn) loop() {
	for {
		// Wait for the next request in a shallow call chain: the garbage
		// collector can then shrink an idle connection's stack to 4 KiB.
		if err := c.pr.fill(headerLen); err != nil && c.pr.buffered() == 0 {
			c.abort(err)
			return
		}
		msg, err := c.pr.readMessage()
		if err != nil {
			c.abort(err)
			return
		}
		switch msg.typ {
		case pktAttention:
			msg.release()
			c.srv.countRequest(RequestAttention)
			if err := c.attention(); err != nil {
				c.abort(err)
				return
			}
		case pktBatch, pktRPC, pktTransMgr:
			if err := c.start(msg); err != nil {
				msg.release()
				c.abort(err)
				return
			}
		default:
			msg.release()
			c.abort(malformed("unexpected packet type 0x%02X after login", msg.typ))
			return
		}
	}
}

// abort ends the connection after a read error: the running request, if
// any, is cancelled and waited for.
func (c *conn) abort(err error) {
	c.mu.Lock()
	closeAfter := c.closeAfter
	running, done, cancel := c.running, c.execDone, c.cancelReq
	c.mu.Unlock()
	if running {
		cancel(ErrClientGone)
		c.raw.Close()
		<-done
	}
	if closeAfter && errors.Is(err, net.ErrClosed) {
		c.log.Debug("tds: connection closed for shutdown", "spid", c.spid)
		return
	}
	c.logClose("request", err)
}

// start hands a request to a new executor goroutine. A request that
// arrives while the previous response is still being produced breaks the
// protocol (no MARS): the connection is closed.
func (c *conn) start(msg message) error {
	c.mu.Lock()
	if c.running {
		if !c.ending {
			c.mu.Unlock()
			return malformed("request of type 0x%02X while another is running", msg.typ)
		}
		done := c.execDone
		c.mu.Unlock()
		<-done // the previous request is writing its last packet
		c.mu.Lock()
	}
	if c.closed {
		c.mu.Unlock()
		return net.ErrClosed
	}
	ctx, cancel := context.WithCancelCause(c.ctx)
	done := make(chan struct{})
	c.running, c.ending, c.attn = true, false, false
	c.cancelReq, c.execDone = cancel, done
	req := request{ctx: ctx, cancel: cancel, msg: msg, done: done}
	if c.execParked {
		c.execParked = false
		c.mu.Unlock()
		c.work <- req
		return nil
	}
	if c.work == nil {
		c.work = make(chan request)
	}
	c.mu.Unlock()
	go c.executor(req)
	return nil
}

// executor runs requests until none has come for executorLinger.
func (c *conn) executor(req request) {
	timer := time.NewTimer(executorLinger)
	defer timer.Stop()
	for {
		c.execute(req.ctx, req.cancel, req.msg, req.done)
		timer.Reset(executorLinger)
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		var ok bool
		select {
		case req, ok = <-c.work:
			if !ok {
				return
			}
			continue
		case <-timer.C:
		}
		c.mu.Lock()
		if !c.execParked {
			// The reader chose this executor just as the wait ended.
			c.mu.Unlock()
			if req, ok = <-c.work; !ok {
				return
			}
			continue
		}
		c.execParked = false
		c.mu.Unlock()
		return
	}
}

// attention handles an ATTENTION packet. If a request is producing its
// response, it is cancelled and its response ends with DONE_ATTN. Otherwise
// (it had already finished) the acknowledgement goes out on its own, which
// clients wait for.
func (c *conn) attention() error {
	c.mu.Lock()
	if c.running && !c.ending {
		c.attn = true
		cancel := c.cancelReq
		c.mu.Unlock()
		cancel(ErrAttention)
		return nil
	}
	running, done := c.running, c.execDone
	c.mu.Unlock()
	if running {
		<-done
	}
	b := c.pw.begin(pktReply)
	b = appendDone(b, DoneStatement, DoneAttn, 0, 0, c.ver)
	_, err := c.pw.flush(b, true)
	c.pw.release()
	return err
}

// errSevere is the error a client gets when its request panicked.
var errSevere = &Message{Number: 0, State: 0, Class: 20,
	Text: "A severe error occurred on the current command.  The results, if any, should be discarded."}

// execute runs one request message and writes its whole response.
func (c *conn) execute(ctx context.Context, cancel context.CancelCauseFunc, msg message, done chan struct{}) {
	r := newResponse(c, ctx, msg.typ)
	closeConn := false
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("tds: panic while finishing a response", "spid", c.spid, "panic", p, "stack", string(debug.Stack()))
			closeConn = true
		}
		msg.release()
		r.release()
		cancel(nil)
		c.mu.Lock()
		c.running, c.ending = false, false
		closeConn = closeConn || c.closeAfter
		if !c.closed {
			// From here the executor that ran this request takes the next
			// one: marked before done is closed, so that a request the
			// reader starts at once is handed to it rather than to a second
			// executor (which would be left waiting on work for good).
			c.execParked = true
		}
		c.mu.Unlock()
		close(done)
		if closeConn {
			c.raw.Close()
		}
	}()
	fatal := c.run(ctx, &msg, r)
	c.mu.Lock()
	attn := c.attn
	c.ending = true
	c.mu.Unlock()
	if fatal != nil && attn && (errors.Is(fatal, context.Canceled) || errors.Is(fatal, ErrAttention)) {
		fatal = nil // the engine stopped because of the ATTENTION
	}
	switch {
	case fatal != nil && isMalformed(fatal):
		c.log.Warn("tds: malformed request; connection closed", "spid", c.spid, "type", fmt.Sprintf("0x%02X", msg.typ), "err", fatal)
		closeConn = true
		return
	case fatal != nil && fatal != errSevere:
		c.log.Info("tds: request ended the connection", "spid", c.spid, "err", fatal)
	}
	r.finish(fatal, attn)
	closeConn = fatal != nil || r.err != nil
}

// isMalformed reports errors of bad input, which close the connection
// without a reply.
func isMalformed(err error) bool {
	var pe *protocolError
	return errors.As(err, &pe) || errors.Is(err, errTruncated)
}

// asMessage returns the *Message in err's chain.
func asMessage(err error) (*Message, bool) {
	var m *Message
	ok := errors.As(err, &m)
	return m, ok
}

// run decodes and dispatches one request. A panic in the engine is
// recovered here and becomes a severity 20 error.
func (c *conn) run(ctx context.Context, msg *message, r *response) (fatal error) {
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("tds: panic while running a request", "spid", c.spid, "panic", p, "stack", string(debug.Stack()))
			fatal = errSevere
		}
	}()
	kind := RequestBatch
	switch msg.typ {
	case pktRPC:
		kind = RequestRPC
	case pktTransMgr:
		kind = RequestTransMgr
	}
	c.srv.countRequest(kind)
	if msg.status&(statusResetConn|statusResetConnSkip) != 0 {
		if err := c.sess.Reset(ctx, msg.status&statusResetConnSkip != 0); err != nil {
			return err
		}
		r.EnvChange(EnvChange{Type: EnvResetConnAck})
	}
	switch msg.typ {
	case pktBatch:
		text, _, err := decodeBatch(msg.data, c.ver)
		if err != nil {
			return err
		}
		return c.sess.Batch(ctx, text, r)
	case pktTransMgr:
		req, err := decodeTransMgr(msg.data, c.ver)
		if err != nil {
			return err
		}
		return c.sess.TransMgr(ctx, req, r)
	}
	d, err := newRPCDecoder(msg.data, c.ver)
	if err != nil {
		return err
	}
	for {
		rpc, err := d.next()
		if err == io.EOF {
			return nil
		}
		if m, ok := asMessage(err); err != nil && ok {
			// A well-formed request the server cannot take: answer it and
			// skip the rest of the message, which cannot be parsed further.
			r.Message(*m)
			r.Done(Done{Kind: DoneProc, Status: DoneError})
			return nil
		}
		if err != nil {
			return err
		}
		if isCursorProc(rpc.ProcID) {
			r.Message(Message{Number: 16955, State: 1, Class: 16, Text: fmt.Sprintf(
				"Could not create an acceptable cursor. Server cursors (%s) are not supported by the SSISDB emulator; use a default result set.", rpc.Name)})
			r.Done(Done{Kind: DoneProc, Status: DoneError})
			continue
		}
		if err := c.sess.RPC(ctx, rpc, r); err != nil {
			return err
		}
	}
}

// isCursorProc reports the well-known procedures the server does not run:
// the server cursor family and sp_prepexecrpc.
func isCursorProc(id uint16) bool {
	return (id >= ProcCursor && id <= ProcCursorClose) || id == ProcPrepExecRPC
}
