package tds_test

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds/tdstest"
)

// A certificate and key from PEM files serve TLS, and a client that
// verifies the certificate against that file connects.
func TestCertificateFiles(t *testing.T) {
	cert := testCert()
	dir := t.TempDir()
	certPath, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600)
	os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), 0o600)

	srv := tdstest.Start(t, tds.Config{TLS: tds.TLSRequired, CertFile: certPath, KeyFile: keyPath}, nil)
	db := openDB(t, dsn(srv.Addr, "encrypt", "true", "certificate", certPath))
	var one int
	if err := db.QueryRow("select 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
	if l := srv.Handler.Logins(); len(l) != 1 || !l[0].Encrypted {
		t.Errorf("logins %+v", l)
	}

	if _, err := tds.NewServer(tds.Config{TLS: tds.TLSOn, CertFile: filepath.Join(dir, "missing.pem"), KeyFile: keyPath},
		tdstest.DefaultAuth(), tdstest.NewHandler()); err == nil {
		t.Error("a missing certificate file was accepted")
	}
}

// With TLS on and no certificate configured, one is made up at start.
func TestGeneratedCertificate(t *testing.T) {
	srv := tdstest.Start(t, tds.Config{TLS: tds.TLSOn, ServerName: "emulator.test"}, nil)
	db := openDB(t, dsn(srv.Addr, "encrypt", "true", "TrustServerCertificate", "true"))
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	c, err := tds.SelfSignedCertificate("emulator.test", "10.1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"localhost", "emulator.test", "127.0.0.1", "10.1.2.3"} {
		if err := c.Leaf.VerifyHostname(host); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
}

func TestConfigChecks(t *testing.T) {
	auth, h := tdstest.DefaultAuth(), tdstest.NewHandler()
	for name, cfg := range map[string]tds.Config{
		"packet size below 512":  {MinPacketSize: 100},
		"packet size over 32767": {MaxPacketSize: 40000},
		"min over max":           {MinPacketSize: 8192, MaxPacketSize: 4096},
		"unknown TLS mode":       {TLS: 9},
	} {
		if _, err := tds.NewServer(cfg, auth, h); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := tds.NewServer(tds.Config{}, nil, h); err == nil {
		t.Error("no authenticator accepted")
	}
	for in, want := range map[string]tds.TLSMode{"off": tds.TLSOff, "ON": tds.TLSOn, "required": tds.TLSRequired} {
		if got, err := tds.ParseTLSMode(in); err != nil || got != want {
			t.Errorf("ParseTLSMode(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := tds.ParseTLSMode("sometimes"); err == nil {
		t.Error("ParseTLSMode accepted nonsense")
	}
	// ListenAndServe reports a bad address, and ErrServerClosed after Shutdown.
	srv, _ := tds.NewServer(tds.Config{}, auth, h)
	if err := srv.ListenAndServe("256.0.0.1:1"); err == nil || errors.Is(err, tds.ErrServerClosed) {
		t.Errorf("bad address: %v", err)
	}
}
