package emulator

import (
	"context"
	"database/sql/driver"
	"fmt"
	"net/http"
	"sync"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/console"
)

// health remembers the last login probe for a second, so that a busy
// orchestrator polling /healthz does not turn into a login storm.
type health struct {
	mu   sync.Mutex
	at   time.Time
	err  error
	busy bool
}

// CheckLogin logs in to the TDS listener as sa, over the network, exactly
// as a client would: the emulator is healthy only when that works. (If sa's
// password is changed with ALTER LOGIN, the probe fails: it uses the
// configured one.)
func (e *Emulator) CheckLogin(ctx context.Context) error {
	conn, err := mssql.NewConnector(e.SADSN())
	if err != nil {
		return err
	}
	c, err := conn.Connect(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if p, ok := c.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (e *Emulator) probe(ctx context.Context) error {
	h := &e.health
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.at.IsZero() && time.Since(h.at) < time.Second {
		return h.err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	h.err = e.CheckLogin(ctx)
	h.at = time.Now()
	return h.err
}

func (e *Emulator) httpHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := e.probe(r.Context()); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "login to %s failed: %v\n", e.TDSAddr(), err)
			return
		}
		fmt.Fprintf(w, "ok: logins work on %s\n", e.TDSAddr())
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(e.metrics.reg, promhttp.HandlerOpts{}))

	// The web console (package console) takes every other path.
	con, err := console.New(console.Config{Catalog: e.Catalog, Master: e.Master, Clock: e.clk,
		Logger: e.log.With("part", "console"), SecureCookies: e.cfg.HTTPTLS})
	if err != nil {
		e.log.Error("web console not available", "err", err)
	} else {
		mux.Handle("/", con)
	}
	return mux
}
