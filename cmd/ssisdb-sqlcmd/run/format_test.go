package run

import (
	"testing"
	"time"
)

func TestFormatValue(t *testing.T) {
	ts := time.Date(2024, 2, 29, 13, 14, 15, 123456700, time.UTC)
	guid := []byte{0x5e, 0x33, 0xd9, 0xe5, 0xfb, 0x73, 0xcb, 0x4c, 0x9f, 0x0e, 0x06, 0x3e, 0xab, 0x3e, 0x2a, 0x52}
	for _, c := range []struct {
		typ  string
		v    any
		want string
	}{
		{"INT", nil, "NULL"},
		{"BIT", true, "1"},
		{"BIT", false, "0"},
		{"DECIMAL", []byte("3.500000"), "3.500000"},
		{"MONEY", []byte("3.0000"), "3.0000"},
		{"UNIQUEIDENTIFIER", guid, "E5D9335E-73FB-4CCB-9F0E-063EAB3E2A52"},
		// A varbinary(16) is not a GUID because of its length.
		{"VARBINARY", guid, "0x5E33D9E5FB73CB4C9F0E063EAB3E2A52"},
		{"VARBINARY", []byte{1, 2}, "0x0102"},
		{"DATETIME", ts, "2024-02-29 13:14:15.123"},
		{"DATETIME2", ts, "2024-02-29 13:14:15.1234567"},
		{"DATE", ts, "2024-02-29"},
		{"TIME", ts, "13:14:15.1234567"},
		{"SMALLDATETIME", ts.Truncate(time.Minute), "2024-02-29 13:14:00"},
		{"DATETIMEOFFSET", ts.In(time.FixedZone("", 2*3600)), "2024-02-29 15:14:15.1234567 +02:00"},
		{"NVARCHAR", "x", "x"},
		{"BIGINT", int64(42), "42"},
	} {
		if got := FormatValue(c.typ, c.v); got != c.want {
			t.Errorf("FormatValue(%s, %v) = %q, want %q", c.typ, c.v, got, c.want)
		}
	}
}
