package tdstest

import (
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

// TypesColumns is a result set with one column of every type the wire
// supports; TypesRow is a row for it. The "n" prefix marks NOT NULL
// columns in the fixed-length forms.
func TypesColumns() []tds.Column {
	coll := tds.DefaultCollation
	return []tds.Column{
		{Name: "tinyint", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 1}, Nullable: true},
		{Name: "smallint", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 2}, Nullable: true},
		{Name: "int", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 4}, Nullable: true},
		{Name: "bigint", Type: tds.TypeInfo{ID: tds.TypeIntN, Size: 8}, Nullable: true},
		{Name: "nint", Type: tds.TypeInfo{ID: tds.TypeInt4}},
		{Name: "nbigint", Type: tds.TypeInfo{ID: tds.TypeInt8}},
		{Name: "bit", Type: tds.TypeInfo{ID: tds.TypeBitN, Size: 1}, Nullable: true},
		{Name: "real", Type: tds.TypeInfo{ID: tds.TypeFltN, Size: 4}, Nullable: true},
		{Name: "float", Type: tds.TypeInfo{ID: tds.TypeFltN, Size: 8}, Nullable: true},
		{Name: "decimal", Type: tds.TypeInfo{ID: tds.TypeDecimalN, Precision: 38, Scale: 10}, Nullable: true},
		{Name: "numeric", Type: tds.TypeInfo{ID: tds.TypeNumericN, Precision: 5, Scale: 2}, Nullable: true},
		{Name: "money", Type: tds.TypeInfo{ID: tds.TypeMoneyN, Size: 8}, Nullable: true},
		{Name: "smallmoney", Type: tds.TypeInfo{ID: tds.TypeMoneyN, Size: 4}, Nullable: true},
		{Name: "datetime", Type: tds.TypeInfo{ID: tds.TypeDateTimeN, Size: 8}, Nullable: true},
		{Name: "smalldatetime", Type: tds.TypeInfo{ID: tds.TypeDateTimeN, Size: 4}, Nullable: true},
		{Name: "date", Type: tds.TypeInfo{ID: tds.TypeDateN}, Nullable: true},
		{Name: "time", Type: tds.TypeInfo{ID: tds.TypeTimeN, Scale: 7}, Nullable: true},
		{Name: "datetime2", Type: tds.TypeInfo{ID: tds.TypeDateTime2N, Scale: 3}, Nullable: true},
		{Name: "datetimeoffset", Type: tds.TypeInfo{ID: tds.TypeDateTimeOffset, Scale: 7}, Nullable: true},
		{Name: "uniqueidentifier", Type: tds.TypeInfo{ID: tds.TypeGUID, Size: 16}, Nullable: true},
		{Name: "char", Type: tds.TypeInfo{ID: tds.TypeBigChar, Size: 10, Collation: coll}, Nullable: true},
		{Name: "varchar", Type: tds.TypeInfo{ID: tds.TypeBigVarChar, Size: 50, Collation: coll}, Nullable: true},
		{Name: "varcharmax", Type: tds.TypeInfo{ID: tds.TypeBigVarChar, Size: tds.MaxSize, Collation: coll}, Nullable: true},
		{Name: "nchar", Type: tds.TypeInfo{ID: tds.TypeNChar, Size: 10, Collation: coll}, Nullable: true},
		{Name: "nvarchar", Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: 100, Collation: coll}, Nullable: true},
		{Name: "nvarcharmax", Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: tds.MaxSize, Collation: coll}, Nullable: true},
		{Name: "text", Type: tds.TypeInfo{ID: tds.TypeText, Collation: coll}, Nullable: true},
		{Name: "ntext", Type: tds.TypeInfo{ID: tds.TypeNText, Collation: coll}, Nullable: true},
		{Name: "binary", Type: tds.TypeInfo{ID: tds.TypeBigBinary, Size: 4}, Nullable: true},
		{Name: "varbinary", Type: tds.TypeInfo{ID: tds.TypeBigVarBin, Size: 50}, Nullable: true},
		{Name: "varbinarymax", Type: tds.TypeInfo{ID: tds.TypeBigVarBin, Size: tds.MaxSize}, Nullable: true},
		{Name: "image", Type: tds.TypeInfo{ID: tds.TypeImage}, Nullable: true},
		{Name: "xml", Type: tds.TypeInfo{ID: tds.TypeXML}, Nullable: true},
		{Name: "variantint", Type: tds.TypeInfo{ID: tds.TypeVariant}, Nullable: true},
		{Name: "variantstr", Type: tds.TypeInfo{ID: tds.TypeVariant}, Nullable: true},
	}
}

// Sample values of TypesRow, exported so tests can compare what a client
// reads with what was sent.
var (
	SampleGUID     = [16]byte{0x6F, 0x96, 0x19, 0xFF, 0x8B, 0x86, 0xD0, 0x11, 0xB4, 0x2D, 0x00, 0xC0, 0x4F, 0xC9, 0x64, 0xFF}
	SampleDateTime = time.Date(2024, 2, 29, 13, 45, 30, 123456700, time.UTC)
	SampleZone     = time.FixedZone("", -(5*60+30)*60)
	SampleVarchar  = "Café €5 naïve"
	SampleNVarchar = "Grüße, 世界 😀"
)

// TypesRow returns values for TypesColumns.
func TypesRow() []any {
	return []any{
		int64(255),
		int64(-32768),
		int64(-2147483648),
		int64(9223372036854775807),
		int64(42),
		int64(-42),
		true,
		float64(float32(3.25)),
		1.0 / 3.0,
		// 12345678901234567890.1234567890 at scale 10
		tds.Decimal{Hi: 0x18EE90FF6, Lo: 0xC373E0EE4E3F0AD2},
		tds.Decimal{Neg: true, Lo: 12345}, // -123.45
		int64(1234567891234),              // 123456789.1234
		int64(-2147483648),                // -214748.3648
		time.Date(2024, 2, 29, 13, 45, 30, 997000000, time.UTC),
		time.Date(2079, 6, 6, 23, 59, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1, 1, 1, 23, 59, 59, 999999900, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 1000000, time.UTC),
		SampleDateTime.In(SampleZone),
		SampleGUID,
		"fixed",
		SampleVarchar,
		BigString(0) + "varchar(max) in CP1252: déjà vu",
		"nchar",
		SampleNVarchar,
		BigString(5000),
		"text value",
		"ntext välue 😀",
		[]byte{1, 2, 3, 4},
		[]byte{0xDE, 0xAD, 0xBE, 0xEF},
		make([]byte, 9000),
		[]byte("image bytes"),
		"<root a=\"1\">x</root>",
		tds.Variant{Type: tds.TypeInfo{ID: tds.TypeInt4, Size: 4}, Value: int64(7)},
		tds.Variant{Type: tds.TypeInfo{ID: tds.TypeNVarChar, Size: 20, Collation: tds.DefaultCollation}, Value: "variant"},
	}
}
