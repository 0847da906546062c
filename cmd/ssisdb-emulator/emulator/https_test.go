package emulator_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/cmd/ssisdb-emulator/emulator"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// With http_tls the health check, the metrics and the console are served
// over HTTPS (a generated certificate, or the configured one), the console's
// session cookie is Secure, and plain HTTP gets no page.
func TestHTTPS(t *testing.T) {
	cert, err := tds.SelfSignedCertificate("emulator.test")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		cert, key string
	}{
		{"generated certificate", "", ""},
		{"configured certificate", certFile, keyFile},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := emulator.Defaults()
			cfg.Addr, cfg.HTTPAddr, cfg.HTTPTLS = "127.0.0.1:0", "127.0.0.1:0", true
			// The TDS listener stays plaintext: only HTTP is asked for TLS.
			cfg.TLS.Cert, cfg.TLS.Key = c.cert, c.key
			if err := cfg.Validate("test"); err != nil {
				t.Fatal(err)
			}
			em, err := emulator.New(cfg, emulator.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := em.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = em.Close(context.Background()) })
			base := em.HTTPURL()
			if !strings.HasPrefix(base, "https://") || !strings.Contains(em.ReadyLine(), " http="+base+" ") {
				t.Fatalf("HTTPURL %q, ready line %q: want https", base, em.ReadyLine())
			}
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
			defer client.CloseIdleConnections()
			resp, err := client.Get(base + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET /healthz over HTTPS: %s", resp.Status)
			}
			peer := resp.TLS.PeerCertificates[0].Raw
			if c.cert != "" && !bytes.Equal(peer, cert.Certificate[0]) {
				t.Error("the HTTPS listener does not serve the configured certificate")
			}
			if c.cert == "" && bytes.Equal(peer, cert.Certificate[0]) {
				t.Error("the generated certificate is the test's own")
			}
			resp, err = client.Get(base + "/login")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if ck := resp.Header.Get("Set-Cookie"); !strings.HasPrefix(ck, "__Host-") || !strings.Contains(ck, "Secure") {
				t.Errorf("console cookie over HTTPS = %q, want a Secure __Host- cookie", ck)
			}
			// A plain HTTP request to the HTTPS port is refused.
			resp, err = http.Get("http://" + em.HTTPAddr() + "/healthz")
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					t.Fatalf("plain HTTP got %s: %s", resp.Status, body)
				}
			}
		})
	}
}
