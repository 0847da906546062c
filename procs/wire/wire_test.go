package wire

import (
	"math/big"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/tds"
)

func TestTypeInfo(t *testing.T) {
	tests := []struct {
		typ  sqltype.Type
		want tds.TypeInfo
	}{
		{sqltype.Type{}, tds.TypeInfo{ID: tds.TypeIntN, Size: 4}},
		{sqltype.TBit, tds.TypeInfo{ID: tds.TypeBitN, Size: 1}},
		{sqltype.TSmallInt, tds.TypeInfo{ID: tds.TypeIntN, Size: 2}},
		{sqltype.TBigInt, tds.TypeInfo{ID: tds.TypeIntN, Size: 8}},
		{sqltype.NVarCharN(128), tds.TypeInfo{ID: tds.TypeNVarChar, Size: 256, Collation: tds.DefaultCollation}},
		{sqltype.TSysname, tds.TypeInfo{ID: tds.TypeNVarChar, Size: 256, Collation: tds.DefaultCollation}},
		{sqltype.NVarCharN(sqltype.Max), tds.TypeInfo{ID: tds.TypeNVarChar, Size: tds.MaxSize, Collation: tds.DefaultCollation}},
		{sqltype.VarCharN(3), tds.TypeInfo{ID: tds.TypeBigVarChar, Size: 3, Collation: tds.DefaultCollation}},
		{sqltype.VarBinaryN(sqltype.Max), tds.TypeInfo{ID: tds.TypeBigVarBin, Size: tds.MaxSize}},
		{sqltype.CharN(1), tds.TypeInfo{ID: tds.TypeBigChar, Size: 1, Collation: tds.DefaultCollation}},
		{sqltype.DecimalPS(18, 0), tds.TypeInfo{ID: tds.TypeDecimalN, Size: 9, Precision: 18, Scale: 0}},
		{sqltype.NumericPS(38, 10), tds.TypeInfo{ID: tds.TypeNumericN, Size: 17, Precision: 38, Scale: 10}},
		{sqltype.DecimalPS(5, 2), tds.TypeInfo{ID: tds.TypeDecimalN, Size: 5, Precision: 5, Scale: 2}},
		{sqltype.TMoney, tds.TypeInfo{ID: tds.TypeMoneyN, Size: 8}},
		{sqltype.TDateTime, tds.TypeInfo{ID: tds.TypeDateTimeN, Size: 8}},
		{sqltype.DateTimeOffsetS(7), tds.TypeInfo{ID: tds.TypeDateTimeOffset, Scale: 7}},
		{sqltype.TUniqueIdentifier, tds.TypeInfo{ID: tds.TypeGUID, Size: 16}},
		{sqltype.TSQLVariant, tds.TypeInfo{ID: tds.TypeVariant, Size: 8009}},
	}
	for _, tt := range tests {
		if got := TypeInfo(tt.typ); got != tt.want {
			t.Errorf("TypeInfo(%s) = %+v, want %+v", tt.typ, got, tt.want)
		}
	}
}

func TestValueRoundTrip(t *testing.T) {
	dto := time.Date(2024, 5, 6, 7, 8, 9, 123456700, time.FixedZone("", 2*3600))
	u := uuid.MustParse("64c020e2-f819-4c2d-a22f-efb31a91e70a")
	vals := []sqltype.Value{
		sqltype.NewBit(true),
		sqltype.NewTinyInt(200),
		sqltype.NewSmallInt(-3),
		sqltype.NewInt(42),
		sqltype.NewBigInt(1 << 40),
		sqltype.NewMoney(12345),
		sqltype.NewFloat(1.5),
		sqltype.NewReal(2.5),
		sqltype.NewDecimal(big.NewInt(-12345), 18, 2),
		sqltype.NewNVarChar("héllo"),
		sqltype.NewVarChar("abc"),
		sqltype.NewVarBinary([]byte{1, 2, 3}),
		sqltype.NewUniqueIdentifier(u),
		sqltype.NewDateTimeOffset(dto),
		sqltype.NewDateTime(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)),
	}
	for _, v := range vals {
		ti := TypeInfo(v.Type())
		gv := Value(v.Type(), v)
		back, err := FromParam(ti, gv)
		if err != nil {
			t.Fatalf("%#v: %v", v, err)
		}
		if back.GoString() != v.GoString() {
			t.Errorf("round trip %#v -> %#v", v, back)
		}
	}
}

func TestVariant(t *testing.T) {
	v := sqltype.NewSmallInt(1)
	got := Value(sqltype.TSQLVariant, v)
	want := tds.Variant{Type: tds.TypeInfo{ID: tds.TypeInt2, Size: 2}, Value: int64(1)}
	if got != want {
		t.Fatalf("variant = %#v, want %#v", got, want)
	}
	back, err := FromParam(tds.TypeInfo{ID: tds.TypeVariant, Size: 8009}, got)
	if err != nil {
		t.Fatal(err)
	}
	if back.Kind() != sqltype.SmallInt || back.Int64() != 1 {
		t.Fatalf("variant back = %#v", back)
	}
	if Value(sqltype.TSQLVariant, sqltype.Null(sqltype.TSQLVariant)) != nil {
		t.Fatal("NULL variant is not nil")
	}
}

func TestFromParamTypes(t *testing.T) {
	tests := []struct {
		ti   tds.TypeInfo
		v    any
		want string
	}{
		{tds.TypeInfo{ID: tds.TypeNull}, nil, "NULL(unknown)"},
		{tds.TypeInfo{ID: tds.TypeIntN, Size: 8}, int64(7), "bigint(7)"},
		{tds.TypeInfo{ID: tds.TypeNVarChar, Size: 8}, "abcd", `nvarchar(4)("abcd")`},
		{tds.TypeInfo{ID: tds.TypeNVarChar, Size: tds.MaxSize}, "", `nvarchar(max)("")`},
		{tds.TypeInfo{ID: tds.TypeNText, Size: 0x7FFFFFFF}, "@P1 INT", `ntext("@P1 INT")`},
		{tds.TypeInfo{ID: tds.TypeBitN, Size: 1}, true, "bit(1)"},
		{tds.TypeInfo{ID: tds.TypeIntN, Size: 4}, nil, "NULL(int)"},
	}
	for _, tt := range tests {
		got, err := FromParam(tt.ti, tt.v)
		if err != nil {
			t.Fatalf("%+v: %v", tt.ti, err)
		}
		if got.GoString() != tt.want {
			t.Errorf("FromParam(%+v, %v) = %s, want %s", tt.ti, tt.v, got.GoString(), tt.want)
		}
	}
	if _, err := FromParam(tds.TypeInfo{ID: tds.TypeIntN, Size: 4}, "x"); err == nil {
		t.Error("a string in an int parameter was accepted")
	}
	if _, err := FromParam(tds.TypeInfo{ID: 0x01}, nil); err == nil {
		t.Error("an unknown type was accepted")
	}
}
