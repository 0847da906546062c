package tds

import (
	"container/heap"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// TLSMode says whether and how the server encrypts.
type TLSMode uint8

const (
	// TLSOff answers every client ENCRYPT_NOT_SUP: plaintext only.
	TLSOff TLSMode = iota
	// TLSOn encrypts the login of clients that say OFF and everything for
	// clients that ask for encryption; TDS 8.0 (strict) clients are served.
	TLSOn
	// TLSRequired is TLSOn that refuses clients that will not encrypt.
	TLSRequired
)

func (m TLSMode) String() string {
	switch m {
	case TLSOff:
		return "off"
	case TLSOn:
		return "on"
	case TLSRequired:
		return "required"
	}
	return fmt.Sprintf("TLSMode(%d)", uint8(m))
}

// ParseTLSMode reads "off", "on" or "required".
func ParseTLSMode(s string) (TLSMode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "off", "", "false", "no":
		return TLSOff, nil
	case "on", "true", "yes":
		return TLSOn, nil
	case "required", "require", "force":
		return TLSRequired, nil
	}
	return TLSOff, fmt.Errorf("tds: unknown TLS mode %q (want off, on or required)", s)
}

// RequestKind names what a client asked for, for metrics.
type RequestKind uint8

const (
	RequestLogin RequestKind = iota
	RequestBatch
	RequestRPC
	RequestTransMgr
	RequestAttention
)

func (k RequestKind) String() string {
	switch k {
	case RequestLogin:
		return "login"
	case RequestBatch:
		return "batch"
	case RequestRPC:
		return "rpc"
	case RequestTransMgr:
		return "transmgr"
	case RequestAttention:
		return "attention"
	}
	return "unknown"
}

// Metrics receives counts as they happen, so that the command can export
// them (Prometheus counters and gauges map one to one). Calls come from
// many goroutines and must be cheap.
type Metrics interface {
	ConnectionOpened()
	ConnectionClosed()
	LoginFailed()
	Request(kind RequestKind)
	// MessageSent is called for every INFO and ERROR token.
	MessageSent(number int32, class uint8)
	BytesRead(n int)
	BytesWritten(n int)
}

// Stats is a snapshot of the server's counters.
type Stats struct {
	ConnectionsOpened uint64
	ConnectionsActive int64
	LoginFailures     uint64
	Requests          [RequestAttention + 1]uint64 // indexed by RequestKind
	ErrorsSent        uint64                       // ERROR tokens (class >= 11)
	TLSHandshakes     uint64                       // completed, in PRELOGIN or TDS 8.0
	BytesRead         uint64
	BytesWritten      uint64
}

// Config configures a Server. The zero value serves plaintext with the
// defaults below.
type Config struct {
	TLS TLSMode
	// CertFile and KeyFile hold a PEM certificate and key. With TLS on and
	// neither set (nor Certificate), a self-signed certificate is made at
	// start.
	CertFile, KeyFile string
	// Certificate, if set, is used instead of the files.
	Certificate *tls.Certificate
	// ServerName fills the server field of messages (and @@SERVERNAME on
	// the engine's side). Default: the host name.
	ServerName string
	// MaxConnections caps open connections (default 32767); one more gets
	// error 17809 and is closed.
	MaxConnections int
	// MaxMessageSize caps one client message (default 64 MiB); a larger
	// message closes the connection.
	MaxMessageSize int
	// LoginTimeout is how long a client may take from connect to the end of
	// LOGIN7 (default 15s).
	LoginTimeout time.Duration
	// MinPacketSize and MaxPacketSize bound the negotiated packet size
	// (defaults 512 and 32767; encrypted connections stop at 16383).
	MinPacketSize, MaxPacketSize int
	Logger                       *slog.Logger
	Metrics                      Metrics
	// AfterFunc schedules the login timeout; nil means time.AfterFunc. Tests
	// pass a fake clock here.
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
	// Now stamps the NTLM challenge (MsvAvTimestamp); nil means time.Now.
	Now func() time.Time
}

// Defaults.
const (
	DefaultMaxConnections = 32767
	DefaultMaxMessageSize = 64 << 20
	DefaultLoginTimeout   = 15 * time.Second
)

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("tds: server closed")

// Causes of a request context's cancellation.
var (
	// ErrAttention: the client sent ATTENTION (a cancel).
	ErrAttention = errors.New("tds: request cancelled by the client")
	// ErrClientGone: the connection closed while the request ran.
	ErrClientGone = errors.New("tds: client disconnected")
	// ErrShutdown: the server is shutting down and its grace period ended.
	ErrShutdown = errors.New("tds: server shutting down")
)

// Server accepts TDS connections and runs their requests on a Handler.
type Server struct {
	cfg       Config
	auth      Authenticator
	handler   Handler
	log       *slog.Logger
	inBand    *tls.Config
	strict    *tls.Config
	afterFunc func(time.Duration, func()) func() bool

	ctx    context.Context
	cancel context.CancelCauseFunc

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	refused   map[*conn]struct{} // over MaxConnections, being told so
	spids     spidPool
	closing   bool
	wg        sync.WaitGroup

	opened, loginFails, errorsSent atomic.Uint64
	tlsHandshakes                  atomic.Uint64
	active                         atomic.Int64
	requests                       [RequestAttention + 1]atomic.Uint64
	bytesIn, bytesOut              atomic.Uint64
}

// NewServer checks cfg, fills its defaults and prepares TLS.
func NewServer(cfg Config, auth Authenticator, h Handler) (*Server, error) {
	if auth == nil || h == nil {
		return nil, errors.New("tds: NewServer needs an Authenticator and a Handler")
	}
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = DefaultMaxConnections
	}
	if cfg.MaxMessageSize <= 0 {
		cfg.MaxMessageSize = DefaultMaxMessageSize
	}
	if cfg.LoginTimeout <= 0 {
		cfg.LoginTimeout = DefaultLoginTimeout
	}
	if cfg.MinPacketSize == 0 {
		cfg.MinPacketSize = 512
	}
	if cfg.MaxPacketSize == 0 {
		cfg.MaxPacketSize = 32767
	}
	if cfg.MinPacketSize < 512 || cfg.MaxPacketSize > 32767 || cfg.MinPacketSize > cfg.MaxPacketSize {
		return nil, fmt.Errorf("tds: packet size bounds %d..%d are outside 512..32767", cfg.MinPacketSize, cfg.MaxPacketSize)
	}
	if cfg.ServerName == "" {
		if h, err := os.Hostname(); err == nil && h != "" {
			cfg.ServerName = strings.ToUpper(strings.SplitN(h, ".", 2)[0])
		} else {
			cfg.ServerName = "LOCALHOST"
		}
	}
	s := &Server{
		cfg:       cfg,
		auth:      auth,
		handler:   h,
		log:       cfg.Logger,
		listeners: map[net.Listener]struct{}{},
		conns:     map[*conn]struct{}{},
		refused:   map[*conn]struct{}{},
		spids:     spidPool{next: firstSPID},
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.afterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	if cfg.AfterFunc != nil {
		s.afterFunc = cfg.AfterFunc
	}
	if s.cfg.Now == nil {
		s.cfg.Now = time.Now
	}
	switch cfg.TLS {
	case TLSOff:
	case TLSOn, TLSRequired:
		var cert tls.Certificate
		var err error
		switch {
		case cfg.Certificate != nil:
			cert = *cfg.Certificate
		case cfg.CertFile != "" || cfg.KeyFile != "":
			cert, err = tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		default:
			cert, err = SelfSignedCertificate(strings.ToLower(cfg.ServerName))
		}
		if err != nil {
			return nil, fmt.Errorf("tds: loading the TLS certificate: %w", err)
		}
		s.inBand, s.strict = inBandTLS(cert), strictTLS(cert)
	default:
		return nil, fmt.Errorf("tds: unknown TLS mode %d", cfg.TLS)
	}
	s.ctx, s.cancel = context.WithCancelCause(context.Background())
	return s, nil
}

// DefaultAddr is where a server listens unless told otherwise.
const DefaultAddr = "127.0.0.1:1433"

// ListenAndServe listens on addr (DefaultAddr if empty) and serves.
func (s *Server) ListenAndServe(addr string) error {
	if addr == "" {
		addr = DefaultAddr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Serve accepts connections on ln until Shutdown; it then returns
// ErrServerClosed. Serve may be called for several listeners.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, ln)
		s.mu.Unlock()
	}()
	backoff := time.Duration(0)
	for {
		raw, err := ln.Accept()
		if err != nil {
			if s.isClosing() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, errTooManyFiles) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.log.Warn("tds: accept failed; retrying", "err", err, "backoff", backoff)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		s.accept(raw)
	}
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// accept registers a connection and starts its reader goroutine.
func (s *Server) accept(raw net.Conn) {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		raw.Close()
		return
	}
	if len(s.conns) >= s.cfg.MaxConnections {
		// A refused client still hears why, but only a few at a time.
		if len(s.refused) >= maxRefusing {
			s.mu.Unlock()
			raw.Close()
			return
		}
		c := &conn{srv: s, raw: raw, coll: DefaultCollation, log: s.log, refused: true}
		s.refused[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go c.refuse()
		return
	}
	c := newConn(s, raw, s.spids.get())
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	s.opened.Add(1)
	s.active.Add(1)
	if m := s.cfg.Metrics; m != nil {
		m.ConnectionOpened()
	}
	go c.serve()
}

// maxRefusing bounds the connections being told that the server is full.
const maxRefusing = 64

// release forgets a closed connection.
func (s *Server) release(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.spids.put(c.spid)
	s.mu.Unlock()
	s.active.Add(-1)
	if m := s.cfg.Metrics; m != nil {
		m.ConnectionClosed()
	}
	s.wg.Done()
}

// Shutdown stops accepting, closes idle connections, and waits for running
// requests to finish; connections close as their requests end. When ctx
// ends first, the remaining requests are cancelled (cause ErrShutdown),
// their connections closed, and ctx's error returned.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	for ln := range s.listeners {
		ln.Close()
	}
	conns := make([]*conn, 0, len(s.conns)+len(s.refused))
	for c := range s.conns {
		conns = append(conns, c)
	}
	for c := range s.refused {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.closeWhenIdle()
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.cancel(ErrShutdown)
		return nil
	case <-ctx.Done():
	}
	s.cancel(ErrShutdown)
	s.mu.Lock()
	for c := range s.conns {
		c.raw.Close()
	}
	for c := range s.refused {
		c.raw.Close()
	}
	s.mu.Unlock()
	return ctx.Err()
}

// Stats returns the current counters.
func (s *Server) Stats() Stats {
	st := Stats{
		ConnectionsOpened: s.opened.Load(),
		ConnectionsActive: s.active.Load(),
		LoginFailures:     s.loginFails.Load(),
		ErrorsSent:        s.errorsSent.Load(),
		TLSHandshakes:     s.tlsHandshakes.Load(),
		BytesRead:         s.bytesIn.Load(),
		BytesWritten:      s.bytesOut.Load(),
	}
	for i := range s.requests {
		st.Requests[i] = s.requests[i].Load()
	}
	return st
}

func (s *Server) countRequest(k RequestKind) {
	s.requests[k].Add(1)
	if m := s.cfg.Metrics; m != nil {
		m.Request(k)
	}
}

func (s *Server) countMessage(m *Message) {
	if m.Class > 10 {
		s.errorsSent.Add(1)
	}
	if mt := s.cfg.Metrics; mt != nil {
		mt.MessageSent(m.Number, m.Class)
	}
}

func (s *Server) countRead(n int) {
	s.bytesIn.Add(uint64(n))
	if m := s.cfg.Metrics; m != nil {
		m.BytesRead(n)
	}
}

func (s *Server) countWritten(n int) {
	s.bytesOut.Add(uint64(n))
	if m := s.cfg.Metrics; m != nil {
		m.BytesWritten(n)
	}
}

// SPIDs start at 51, like SQL Server's user sessions, and the lowest free
// one is reused.
const firstSPID = 51

type spidPool struct {
	next uint16
	free spidHeap
}

func (p *spidPool) get() uint16 {
	if len(p.free) > 0 {
		return heap.Pop(&p.free).(uint16)
	}
	id := p.next
	if p.next < 0xFFFF {
		p.next++
	}
	return id
}

func (p *spidPool) put(id uint16) { heap.Push(&p.free, id) }

type spidHeap []uint16

func (h spidHeap) Len() int           { return len(h) }
func (h spidHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h spidHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *spidHeap) Push(x any)        { *h = append(*h, x.(uint16)) }
func (h *spidHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
