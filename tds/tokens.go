package tds

import (
	"fmt"
	"strconv"
)

// Token types of the server's token stream.
const (
	tokReturnStatus  = 0x79
	tokColMetadata   = 0x81
	tokError         = 0xAA
	tokInfo          = 0xAB
	tokReturnValue   = 0xAC
	tokLoginAck      = 0xAD
	tokFeatureExtAck = 0xAE
	tokRow           = 0xD1
	tokNBCRow        = 0xD2
	tokEnvChange     = 0xE3
	tokSSPI          = 0xED
	tokDone          = 0xFD
	tokDoneProc      = 0xFE
	tokDoneInProc    = 0xFF
)

// Limits that keep INFO/ERROR within their 16-bit token length.
const (
	maxMessageChars = 4000
	maxNameChars    = 128
)

// appendDone appends DONE, DONEPROC or DONEINPROC; the row count is 8 bytes
// from TDS 7.2 on and 4 before.
func appendDone(b []byte, kind DoneKind, status, curCmd uint16, rows uint64, ver uint32) []byte {
	b = append(b, byte(kind))
	b = appendU16(b, status)
	b = appendU16(b, curCmd)
	if ver >= verTDS72 {
		return appendU64(b, rows)
	}
	return appendU32(b, uint32(rows))
}

// appendMessage appends INFO (class <= 10) or ERROR; server fills an empty
// Server field.
func appendMessage(b []byte, m *Message, server string, ver uint32) []byte {
	tok := byte(tokError)
	if m.Class <= 10 {
		tok = tokInfo
	}
	if m.Server != "" {
		server = m.Server
	}
	b = append(b, tok, 0, 0)
	at := len(b)
	b = appendU32(b, uint32(m.Number))
	b = append(b, m.State, m.Class)
	b = appendUSVarchar(b, m.Text, maxMessageChars)
	b = appendBVarchar(b, truncUTF16(server, maxNameChars))
	b = appendBVarchar(b, truncUTF16(m.Proc, maxNameChars))
	if ver >= verTDS72 {
		b = appendU32(b, uint32(m.Line))
	} else {
		b = appendU16(b, uint16(m.Line))
	}
	putU16At(b, at-2, uint16(len(b)-at))
	return b
}

// appendEnvChange appends an ENVCHANGE token. coll is the session collation
// for a collation change.
func appendEnvChange(b []byte, ec *EnvChange, coll Collation) ([]byte, error) {
	b = append(b, tokEnvChange, 0, 0)
	at := len(b)
	b = append(b, byte(ec.Type))
	switch ec.Type {
	case EnvDatabase, EnvLanguage, EnvPacketSize:
		b = appendBVarchar(b, truncUTF16(ec.New, maxNameChars))
		b = appendBVarchar(b, truncUTF16(ec.Old, maxNameChars))
	case EnvCollation:
		// go-mssqldb requires exactly five bytes here.
		b = append(b, 5)
		b = append(b, coll[:]...)
		b = append(b, 0)
	case EnvBeginTran:
		b = append(b, 8)
		b = appendU64(b, ec.Descriptor)
		b = append(b, 0)
	case EnvCommitTran, EnvRollbackTran:
		b = append(b, 0, 8)
		b = appendU64(b, ec.Descriptor)
	case EnvResetConnAck:
		b = append(b, 0, 0)
	default:
		return b[:at-3], fmt.Errorf("tds: ENVCHANGE type %d is not supported", ec.Type)
	}
	putU16At(b, at-2, uint16(len(b)-at))
	return b, nil
}

// progName is what LOGINACK names the server.
const progName = "Microsoft SQL Server"

// appendLoginAck appends LOGINACK: interface 1 (T-SQL), the TDS version as
// its bytes are read (big-endian), the program name and version.
func appendLoginAck(b []byte, ver uint32) []byte {
	b = append(b, tokLoginAck, 0, 0)
	at := len(b)
	b = append(b, 1, byte(ver>>24), byte(ver>>16), byte(ver>>8), byte(ver))
	b = appendBVarchar(b, progName)
	b = append(b, productVersion[0], productVersion[1], productVersion[2], productVersion[3])
	putU16At(b, at-2, uint16(len(b)-at))
	return b
}

// appendFeatureExtAck acknowledges no feature: the emulator supports none of
// the optional LOGIN7 features, and clients accept an empty list.
func appendFeatureExtAck(b []byte) []byte {
	return append(b, tokFeatureExtAck, featureTerminator)
}

func appendReturnStatus(b []byte, status int32) []byte {
	b = append(b, tokReturnStatus)
	return appendU32(b, uint32(status))
}

// appendColMetadata appends COLMETADATA for normalized columns.
func appendColMetadata(b []byte, cols []Column) []byte {
	b = append(b, tokColMetadata)
	b = appendU16(b, uint16(len(cols)))
	for i := range cols {
		c := &cols[i]
		b = appendU32(b, 0) // user type
		var flags uint16
		if c.Nullable {
			flags |= 0x0001
		}
		if c.Identity {
			flags |= 0x0010
		}
		b = appendU16(b, flags)
		b = appendTypeInfo(b, &c.Type, formColumn)
		b = appendBVarchar(b, c.Name)
	}
	return b
}

// appendRow appends ROW, or NBCROW when the null bitmap is smaller than the
// NULL values it replaces.
func appendRow(b []byte, cols []Column, charsets []*charset, values []any, nbcOK bool) ([]byte, error) {
	if len(values) != len(cols) {
		return b, fmt.Errorf("tds: row has %d values for %d columns", len(values), len(cols))
	}
	useNBC := false
	if nbcOK {
		saved := 0
		for i, v := range values {
			if v == nil {
				saved += cols[i].Type.nullLen()
			}
		}
		useNBC = saved > (len(cols)+7)/8
	}
	at := len(b)
	var err error
	if !useNBC {
		b = append(b, tokRow)
		for i, v := range values {
			if b, err = appendValue(b, &cols[i].Type, v, charsets[i], formColumn); err != nil {
				return b[:at], fmt.Errorf("column %d (%s): %w", i+1, cols[i].Name, err)
			}
		}
		return b, nil
	}
	b = append(b, tokNBCRow)
	mask := len(b)
	for i := 0; i < (len(cols)+7)/8; i++ {
		b = append(b, 0)
	}
	for i, v := range values {
		if v == nil {
			if cols[i].Type.nullLen() == 0 {
				return b[:at], fmt.Errorf("column %d (%s): NULL given for NOT NULL type %s", i+1, cols[i].Name, typeName(cols[i].Type.ID))
			}
			b[mask+i/8] |= 1 << (i % 8)
			continue
		}
		if b, err = appendValue(b, &cols[i].Type, v, charsets[i], formColumn); err != nil {
			return b[:at], fmt.Errorf("column %d (%s): %w", i+1, cols[i].Name, err)
		}
	}
	return b, nil
}

// appendReturnValue appends RETURNVALUE for a normalized type.
func appendReturnValue(b []byte, rv *ReturnValue, cs *charset) ([]byte, error) {
	at := len(b)
	b = append(b, tokReturnValue)
	b = appendU16(b, rv.Ordinal)
	b = appendBVarchar(b, rv.Name)
	if rv.UDF {
		b = append(b, 0x02)
	} else {
		b = append(b, 0x01)
	}
	b = appendU32(b, 0)      // user type
	b = appendU16(b, 0x0001) // nullable
	b = appendTypeInfo(b, &rv.Type, formParam)
	b, err := appendValue(b, &rv.Type, rv.Value, cs, formColumn)
	if err != nil {
		return b[:at], fmt.Errorf("return value %s: %w", rv.Name, err)
	}
	return b, nil
}

// packetSizeString is the ENVCHANGE 4 value.
func packetSizeString(n int) string { return strconv.Itoa(n) }
