package tds

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"net"
	"time"
)

// SelfSignedCertificate makes a certificate for the given host names (and
// localhost, 127.0.0.1 and ::1), valid for a year. It is what the server
// uses when TLS is on and no certificate file is configured; clients must
// then trust it explicitly (TrustServerCertificate=true).
func SelfSignedCertificate(hosts ...string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return tls.Certificate{}, err
	}
	cn := "localhost"
	if len(hosts) > 0 && hosts[0] != "" {
		cn = hosts[0]
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"SSISDB Emulator"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	for _, h := range hosts {
		if h == "" || h == "localhost" {
			continue
		}
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tds: creating a self-signed certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}

// prefixConn gives back a byte that was read to tell TDS 7.x (0x12, a
// PRELOGIN packet) from TDS 8.0 (0x16, a TLS ClientHello).
type prefixConn struct {
	net.Conn
	first byte
	has   bool
}

func (c *prefixConn) Read(p []byte) (int, error) {
	if c.has && len(p) > 0 {
		p[0] = c.first
		c.has = false
		return 1, nil
	}
	return c.Conn.Read(p)
}

// handshakeConn carries the TLS handshake of TDS 7.x inside PRELOGIN
// packets; after the handshake, TLS records go straight onto the socket
// (passthrough).
type handshakeConn struct {
	net.Conn
	passthrough bool
	hdr         [headerLen]byte
	pending     []byte // unread payload of the current packet
	packet      []byte
	spid        uint16
}

func (c *handshakeConn) Read(p []byte) (int, error) {
	if c.passthrough && len(c.pending) == 0 {
		return c.Conn.Read(p)
	}
	if len(c.pending) == 0 {
		if _, err := io.ReadFull(c.Conn, c.hdr[:]); err != nil {
			return 0, err
		}
		h, err := decodeHeader(c.hdr[:])
		if err != nil {
			return 0, err
		}
		if h.Type != pktPrelogin {
			return 0, malformed("TLS handshake packet of type 0x%02X", h.Type)
		}
		n := int(h.Length) - headerLen
		if cap(c.packet) < n {
			c.packet = make([]byte, n)
		}
		c.pending = c.packet[:n]
		if _, err := io.ReadFull(c.Conn, c.pending); err != nil {
			return 0, err
		}
	}
	n := copy(p, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

func (c *handshakeConn) Write(p []byte) (int, error) {
	if c.passthrough {
		return c.Conn.Write(p)
	}
	// One TLS flight per message, split into packets of the default size.
	const payload = defaultPacketSize - headerLen
	buf := make([]byte, 0, len(p)+headerLen*(len(p)/payload+1))
	id := uint8(1)
	for rest := p; ; {
		n := min(len(rest), payload)
		status := uint8(0)
		if n == len(rest) {
			status = statusEOM
		}
		at := len(buf)
		buf = append(buf, make([]byte, headerLen)...)
		header{Type: pktPrelogin, Status: status, Length: uint16(n + headerLen), SPID: c.spid, PacketID: id}.put(buf[at:])
		buf = append(buf, rest[:n]...)
		id++
		rest = rest[n:]
		if len(rest) == 0 {
			break
		}
	}
	if _, err := c.Conn.Write(buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// inBandTLS is the configuration for TLS inside PRELOGIN packets. It stops
// at TLS 1.2: a TLS 1.3 server sends session tickets after the handshake,
// and clients that have switched to reading TDS packets choke on them.
func inBandTLS(cert tls.Certificate) *tls.Config {
	return &tls.Config{
		Certificates:           []tls.Certificate{cert},
		MinVersion:             tls.VersionTLS12,
		MaxVersion:             tls.VersionTLS12,
		SessionTicketsDisabled: true,
	}
}

// strictTLS is the configuration for TDS 8.0: TLS first, ALPN tds/8.0, and
// TLS 1.3 allowed.
func strictTLS(cert tls.Certificate) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"tds/8.0"},
	}
}
