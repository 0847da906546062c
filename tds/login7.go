package tds

import "encoding/binary"

// LOGIN7 option bits that the server acts on.
const (
	login7UseDB       = 0x20 // OptionFlags1 fUseDB
	login7IntSecurity = 0x80 // OptionFlags2 fIntSecurity (SSPI)
	login7Extension   = 0x10 // OptionFlags3 fExtension
	login7FixedLen    = 94
	featureTerminator = 0xFF
	maxFeatures       = 64
)

// TDS versions a client can ask for in LOGIN7.
const (
	verTDS71  = 0x71000001
	verTDS72  = 0x72090002
	verTDS73A = 0x730A0003
	verTDS73B = 0x730B0003
	verTDS74  = 0x74000004
	verTDS80  = 0x08000000
)

// decodeLogin7 parses a LOGIN7 payload. Offsets are checked against the
// payload; lengths of strings are in UTF-16 code units.
func decodeLogin7(b []byte) (*Login, error) {
	if len(b) < login7FixedLen {
		return nil, malformed("LOGIN7 of %d bytes is shorter than its fixed part", len(b))
	}
	le := binary.LittleEndian
	total := int(le.Uint32(b[0:]))
	if total < login7FixedLen || total > len(b) {
		return nil, malformed("LOGIN7 length %d does not match the message (%d bytes)", total, len(b))
	}
	b = b[:total]
	l := &Login{
		TDSVersion:     le.Uint32(b[4:]),
		PacketSize:     le.Uint32(b[8:]),
		ClientProgVer:  le.Uint32(b[12:]),
		ClientPID:      le.Uint32(b[16:]),
		ConnectionID:   le.Uint32(b[20:]),
		OptionFlags1:   b[24],
		OptionFlags2:   b[25],
		TypeFlags:      b[26],
		OptionFlags3:   b[27],
		ClientTimeZone: int32(le.Uint32(b[28:])),
		ClientLCID:     le.Uint32(b[32:]),
	}
	var err error
	str := func(at int) string {
		if err != nil {
			return ""
		}
		off, n := int(le.Uint16(b[at:])), int(le.Uint16(b[at+2:]))
		if n == 0 {
			return ""
		}
		if off+2*n > len(b) {
			err = malformed("LOGIN7 field at %d points past the message", at)
			return ""
		}
		return decodeUTF16(b[off : off+2*n])
	}
	pw := func(at int) string {
		if err != nil {
			return ""
		}
		off, n := int(le.Uint16(b[at:])), int(le.Uint16(b[at+2:]))
		if off+2*n > len(b) {
			err = malformed("LOGIN7 password points past the message")
			return ""
		}
		return decodeUTF16(deobfuscate(b[off : off+2*n]))
	}
	l.HostName = str(36)
	l.UserName = str(40)
	l.Password = pw(44)
	l.AppName = str(48)
	l.ServerName = str(52)
	l.CtlIntName = str(60)
	l.Language = str(64)
	l.Database = str(68)
	copy(l.ClientID[:], b[72:78])
	// SSPI (78) is counted in bytes; a length of 0xFFFF defers to
	// cbSSPILong (90) for tokens of 64 KiB and more.
	if off, n := int(le.Uint16(b[78:])), int(le.Uint16(b[80:])); n > 0 {
		if n == 0xFFFF {
			n = int(le.Uint32(b[90:]))
		}
		if n > len(b) || off+n > len(b) {
			return nil, malformed("LOGIN7 SSPI data points past the message")
		}
		l.sspi = append([]byte(nil), b[off:off+n]...) // b is a pooled buffer
	}
	l.AttachDBFile = str(82)
	l.ChangePassword = pw(86)
	if err != nil {
		return nil, err
	}
	if l.OptionFlags3&login7Extension != 0 {
		off, n := int(le.Uint16(b[56:])), int(le.Uint16(b[58:]))
		if n < 4 || off+4 > len(b) {
			return nil, malformed("LOGIN7 extension pointer is out of bounds")
		}
		feats, err := decodeFeatureExt(b, int(le.Uint32(b[off:])))
		if err != nil {
			return nil, err
		}
		l.Features = feats
	}
	return l, nil
}

// decodeFeatureExt reads (id, u32 length, data) entries up to 0xFF.
func decodeFeatureExt(b []byte, off int) ([]Feature, error) {
	if off < 0 || off >= len(b) {
		return nil, malformed("LOGIN7 FeatureExt offset %d is out of bounds", off)
	}
	r := rbuf{b: b, off: off}
	var feats []Feature
	for {
		id := r.u8()
		if r.err != nil {
			return nil, malformed("LOGIN7 FeatureExt has no terminator")
		}
		if id == featureTerminator {
			return feats, nil
		}
		n := r.u32()
		if r.err != nil || uint64(n) > uint64(r.left()) {
			return nil, malformed("LOGIN7 feature 0x%02X is truncated", id)
		}
		data := make([]byte, n)
		copy(data, r.bytes(int(n)))
		feats = append(feats, Feature{ID: id, Data: data})
		if len(feats) > maxFeatures {
			return nil, malformed("LOGIN7 has too many features")
		}
	}
}

// deobfuscate undoes the password scrambling of LOGIN7: each byte was
// nibble-swapped and XORed with 0xA5.
func deobfuscate(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		c ^= 0xA5
		out[i] = c<<4 | c>>4
	}
	return out
}

// obfuscate is the client side of deobfuscate.
func obfuscate(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		out[i] = (c<<4 | c>>4) ^ 0xA5
	}
	return out
}

// ackVersion is the TDS version LOGINACK reports: the client's own when it
// is older than 7.4, otherwise 7.4 (TDS 8.0 runs the 7.4 token stream inside
// TLS). ok is false for versions before 7.1, which the server refuses.
func ackVersion(client uint32) (uint32, bool) {
	switch {
	case client == verTDS80:
		return verTDS74, true
	case client >= verTDS74:
		return verTDS74, true
	case client >= verTDS73B:
		return verTDS73B, true
	case client >= verTDS73A:
		return verTDS73A, true
	case client >= verTDS72:
		return verTDS72, true
	case client >= 0x71000000:
		return verTDS71, true
	}
	return 0, false
}
