package tds

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestUTF16RoundTrip(t *testing.T) {
	for _, s := range []string{"", "select 1", "Grüße", "世界", "😀 emoji", strings.Repeat("ab€", 1000)} {
		b := appendUTF16(nil, s)
		if len(b) != 2*utf16Len(s) {
			t.Errorf("%q: %d bytes, utf16Len %d", s, len(b), utf16Len(s))
		}
		if got := decodeUTF16(b); got != s {
			t.Errorf("round trip of %q gave %q", s, got)
		}
	}
	// An unpaired surrogate and an odd trailing byte do not break decoding.
	if got := decodeUTF16([]byte{0x3D, 0xD8, 'a', 0, 'z'}); got != "\uFFFDa" {
		t.Errorf("unpaired surrogate decoded as %q", got)
	}
	if got := truncUTF16("a😀b", 2); got != "a" {
		t.Errorf("truncUTF16 kept half a surrogate pair: %q", got)
	}
}

func TestCodePages(t *testing.T) {
	cases := []struct {
		name string
		coll Collation
		cp   int
		text string
		wire []byte
	}{
		{"SQL_Latin1_General_CP1_CI_AS", DefaultCollation, 1252, "Café €5", []byte{'C', 'a', 'f', 0xE9, ' ', 0x80, '5'}},
		{"Latin1_General_CI_AS", Collation{0x09, 0x04, 0xD0, 0x00, 0x00}, 1252, "naïve", []byte{'n', 'a', 0xEF, 'v', 'e'}},
		{"SQL_Latin1_General_CP437", Collation{0x09, 0x04, 0xD0, 0x00, 30}, 437, "é", []byte{0x82}},
		{"Cyrillic_General_CI_AS", Collation{0x19, 0x04, 0xD0, 0x00, 0x00}, 1251, "Да", []byte{0xC4, 0xE0}},
		{"Japanese_CI_AS", Collation{0x11, 0x04, 0xD0, 0x00, 0x00}, 932, "日本", []byte{0x93, 0xFA, 0x96, 0x7B}},
		{"Latin1_General_100_CI_AS_SC_UTF8", Collation{0x09, 0x04, 0xD0, 0x04, 0x00}, 65001, "😀", []byte("😀")},
		{"unrepresentable in 1252", DefaultCollation, 1252, "日", []byte{'?'}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if cp := c.coll.codePage(); cp != c.cp {
				t.Fatalf("code page %d, want %d", cp, c.cp)
			}
			cs := charsetFor(c.coll)
			got := cs.appendEncoded(nil, c.text)
			if !bytes.Equal(got, c.wire) {
				t.Fatalf("encoded % X, want % X", got, c.wire)
			}
			if n := cs.encodedLen(c.text); n != len(c.wire) {
				t.Errorf("encodedLen %d, want %d", n, len(c.wire))
			}
			if c.wire[0] != '?' {
				if back := cs.decode(c.wire); back != c.text {
					t.Errorf("decoded %q, want %q", back, c.text)
				}
			}
		})
	}
}

// sameValue compares decoded values: times by instant and offset.
func sameValue(a, b any) bool {
	ta, ok1 := a.(time.Time)
	tb, ok2 := b.(time.Time)
	if ok1 && ok2 {
		_, oa := ta.Zone()
		_, ob := tb.Zone()
		return ta.Equal(tb) && oa == ob
	}
	if va, ok := a.(Variant); ok {
		vb, ok := b.(Variant)
		return ok && va.Type.ID == vb.Type.ID && sameValue(va.Value, vb.Value)
	}
	return reflect.DeepEqual(a, b)
}

// typeSamples pairs types with values that survive the wire unchanged.
func typeSamples() []struct {
	ti TypeInfo
	v  any
} {
	coll := DefaultCollation
	utc := time.UTC
	return []struct {
		ti TypeInfo
		v  any
	}{
		{TypeInfo{ID: TypeInt1}, int64(200)},
		{TypeInfo{ID: TypeInt2}, int64(-300)},
		{TypeInfo{ID: TypeInt4}, int64(-70000)},
		{TypeInfo{ID: TypeInt8}, int64(-1 << 62)},
		{TypeInfo{ID: TypeIntN, Size: 1}, int64(7)},
		{TypeInfo{ID: TypeIntN, Size: 2}, int64(-7)},
		{TypeInfo{ID: TypeIntN, Size: 4}, int64(1 << 30)},
		{TypeInfo{ID: TypeIntN, Size: 8}, int64(1 << 40)},
		{TypeInfo{ID: TypeBit}, true},
		{TypeInfo{ID: TypeBitN, Size: 1}, false},
		{TypeInfo{ID: TypeFlt4}, float64(float32(1.5))},
		{TypeInfo{ID: TypeFlt8}, 2.0 / 3.0},
		{TypeInfo{ID: TypeFltN, Size: 4}, float64(float32(-0.25))},
		{TypeInfo{ID: TypeFltN, Size: 8}, 1e300},
		{TypeInfo{ID: TypeMoney}, int64(-922337203685477580)},
		{TypeInfo{ID: TypeMoney4}, int64(2147483647)},
		{TypeInfo{ID: TypeMoneyN, Size: 8}, int64(123456)},
		{TypeInfo{ID: TypeMoneyN, Size: 4}, int64(-123456)},
		{TypeInfo{ID: TypeDateTime}, time.Date(1753, 1, 1, 0, 0, 0, 0, utc)},
		{TypeInfo{ID: TypeDateTime4}, time.Date(1900, 1, 1, 0, 1, 0, 0, utc)},
		{TypeInfo{ID: TypeDateTimeN, Size: 8}, time.Date(9999, 12, 31, 23, 59, 59, 997000000, utc)},
		{TypeInfo{ID: TypeDateTimeN, Size: 4}, time.Date(2079, 6, 6, 23, 59, 0, 0, utc)},
		{TypeInfo{ID: TypeDecimalN, Precision: 9, Scale: 2}, Decimal{Lo: 123456789}},
		{TypeInfo{ID: TypeDecimalN, Precision: 19, Scale: 0}, Decimal{Neg: true, Lo: 9999999999999999999}},
		{TypeInfo{ID: TypeNumericN, Precision: 28, Scale: 4}, Decimal{Hi: 1, Lo: 5}},
		{TypeInfo{ID: TypeNumericN, Precision: 38, Scale: 38}, Decimal{Hi: 0x4B3B4CA85A86C47A, Lo: 0x098A223FFFFFFFFF}},
		{TypeInfo{ID: TypeGUID, Size: 16}, [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}},
		{TypeInfo{ID: TypeDateN}, time.Date(1, 1, 1, 0, 0, 0, 0, utc)},
		{TypeInfo{ID: TypeDateN}, time.Date(9999, 12, 31, 0, 0, 0, 0, utc)},
		{TypeInfo{ID: TypeTimeN, Scale: 0}, time.Date(1, 1, 1, 23, 59, 59, 0, utc)},
		{TypeInfo{ID: TypeTimeN, Scale: 4}, time.Date(1, 1, 1, 12, 0, 0, 123400000, utc)},
		{TypeInfo{ID: TypeTimeN, Scale: 7}, time.Date(1, 1, 1, 1, 2, 3, 456789100, utc)},
		{TypeInfo{ID: TypeDateTime2N, Scale: 7}, time.Date(2024, 2, 29, 1, 2, 3, 456789100, utc)},
		{TypeInfo{ID: TypeDateTime2N, Scale: 2}, time.Date(1, 1, 1, 0, 0, 0, 10000000, utc)},
		{TypeInfo{ID: TypeDateTimeOffset, Scale: 7}, time.Date(2024, 1, 1, 0, 30, 0, 100, time.FixedZone("", 14*3600))},
		{TypeInfo{ID: TypeDateTimeOffset, Scale: 3}, time.Date(1, 1, 1, 23, 0, 0, 0, time.FixedZone("", -(9*60+30)*60))},
		{TypeInfo{ID: TypeBigChar, Size: 5, Collation: coll}, "ab€de"},
		{TypeInfo{ID: TypeBigVarChar, Size: 30, Collation: coll}, "Café"},
		{TypeInfo{ID: TypeBigVarChar, Size: MaxSize, Collation: coll}, strings.Repeat("ü", 9000)},
		{TypeInfo{ID: TypeBigVarChar, Size: MaxSize, Collation: coll}, ""},
		{TypeInfo{ID: TypeNChar, Size: 4, Collation: coll}, "😀"},
		{TypeInfo{ID: TypeNVarChar, Size: 8000, Collation: coll}, "Grüße 世界"},
		{TypeInfo{ID: TypeNVarChar, Size: MaxSize, Collation: coll}, strings.Repeat("x😀", 3000)},
		{TypeInfo{ID: TypeNVarChar, Size: MaxSize, Collation: coll}, ""},
		{TypeInfo{ID: TypeText, Collation: coll}, "text €"},
		{TypeInfo{ID: TypeNText, Collation: coll}, "ntext 😀"},
		{TypeInfo{ID: TypeImage}, []byte{0, 1, 2}},
		{TypeInfo{ID: TypeBigBinary, Size: 3}, []byte{9, 8, 7}},
		{TypeInfo{ID: TypeBigVarBin, Size: 10}, []byte{}},
		{TypeInfo{ID: TypeBigVarBin, Size: MaxSize}, bytes.Repeat([]byte{0xAB}, 70000)},
		{TypeInfo{ID: TypeXML}, "<a>b</a>"},
		{TypeInfo{ID: TypeVariant}, Variant{Type: TypeInfo{ID: TypeInt8}, Value: int64(-5)}},
		{TypeInfo{ID: TypeVariant}, Variant{Type: TypeInfo{ID: TypeBit}, Value: true}},
		{TypeInfo{ID: TypeVariant}, Variant{Type: TypeInfo{ID: TypeFlt8}, Value: 0.5}},
		{TypeInfo{ID: TypeVariant}, Variant{Type: TypeInfo{ID: TypeMoney}, Value: int64(10000)}},
		{TypeInfo{ID: TypeVariant}, Variant{Type: TypeInfo{ID: TypeDateTime}, Value: time.Date(2000, 1, 1, 0, 0, 0, 0, utc)}},
		{TypeInfo{ID: TypeVariant}, Variant{Type: TypeInfo{ID: TypeDateTime2N, Scale: 7}, Value: time.Date(2000, 1, 1, 0, 0, 0, 100, utc)}},
		{TypeInfo{ID: TypeVariant}, Variant{Type: TypeInfo{ID: TypeDecimalN, Precision: 10, Scale: 2}, Value: Decimal{Lo: 1234}}},
		{TypeInfo{ID: TypeVariant}, Variant{Type: TypeInfo{ID: TypeNVarChar, Size: 20, Collation: coll}, Value: "vår"}},
		{TypeInfo{ID: TypeVariant}, Variant{Type: TypeInfo{ID: TypeBigVarChar, Size: 20, Collation: coll}, Value: "€uro"}},
		{TypeInfo{ID: TypeVariant}, Variant{Type: TypeInfo{ID: TypeBigVarBin, Size: 4}, Value: []byte{1, 2}}},
		{TypeInfo{ID: TypeVariant}, Variant{Type: TypeInfo{ID: TypeGUID, Size: 16}, Value: [16]byte{15: 1}}},
		{TypeInfo{ID: TypeVariant}, Variant{Type: TypeInfo{ID: TypeDateN}, Value: time.Date(2020, 2, 2, 0, 0, 0, 0, utc)}},
	}
}

func TestValueRoundTrip(t *testing.T) {
	for _, form := range []typeForm{formColumn, formParam} {
		for i, s := range typeSamples() {
			ti, err := s.ti.normalize()
			if err != nil {
				t.Fatalf("%d: normalize: %v", i, err)
			}
			var b []byte
			b = appendTypeInfo(b, &ti, form)
			if b, err = appendValue(b, &ti, s.v, charsetFor(ti.Collation), form); err != nil {
				t.Fatalf("%d %s: encode: %v", i, typeName(ti.ID), err)
			}
			// NULL of the same type follows, where the type has one.
			if ti.nullLen() > 0 {
				if b, err = appendValue(b, &ti, nil, nil, form); err != nil {
					t.Fatalf("%d: encode NULL: %v", i, err)
				}
			}
			r := &rbuf{b: b}
			got, err := readTypeInfo(r, form)
			if err != nil {
				t.Fatalf("%d %s: decode type: %v", i, typeName(ti.ID), err)
			}
			if got.ID != ti.ID || got.Precision != ti.Precision || got.Scale != ti.Scale || got.Collation != ti.Collation {
				t.Errorf("%d: type decoded as %+v, want %+v", i, got, ti)
			}
			v, err := readValue(r, &got, form)
			if err != nil {
				t.Fatalf("%d %s: decode: %v", i, typeName(ti.ID), err)
			}
			if !sameValue(v, s.v) {
				t.Errorf("%d %s (form %d): got %#v, want %#v", i, typeName(ti.ID), form, v, s.v)
			}
			if ti.nullLen() > 0 {
				if v, err := readValue(r, &got, form); err != nil || v != nil {
					t.Errorf("%d %s: NULL decoded as %v, %v", i, typeName(ti.ID), v, err)
				}
			}
			if r.left() != 0 {
				t.Errorf("%d %s: %d bytes left over", i, typeName(ti.ID), r.left())
			}
		}
	}
}

func TestFixedWidthPadding(t *testing.T) {
	cases := []struct {
		ti   TypeInfo
		v    any
		want any
	}{
		{TypeInfo{ID: TypeBigChar, Size: 5}, "ab", "ab   "},
		{TypeInfo{ID: TypeNChar, Size: 6}, "a", "a  "},
		{TypeInfo{ID: TypeBigBinary, Size: 3}, []byte{1}, []byte{1, 0, 0}},
	}
	for _, c := range cases {
		ti, _ := c.ti.normalize()
		b, err := appendValue(nil, &ti, c.v, charsetFor(ti.Collation), formColumn)
		if err != nil {
			t.Fatal(err)
		}
		got, err := readValue(&rbuf{b: b}, &ti, formColumn)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %#v, %v; want %#v", typeName(ti.ID), got, err, c.want)
		}
	}
}

func TestDateTimeRounding(t *testing.T) {
	utc := time.UTC
	cases := []struct {
		name string
		ti   TypeInfo
		in   time.Time
		want time.Time
	}{
		{"datetime rounds to 1/300 s", TypeInfo{ID: TypeDateTime}, time.Date(2000, 1, 1, 0, 0, 0, 2000000, utc), time.Date(2000, 1, 1, 0, 0, 0, 3000000, utc)},
		{"datetime 1.5 ms rounds down", TypeInfo{ID: TypeDateTime}, time.Date(2000, 1, 1, 0, 0, 0, 1500000, utc), time.Date(2000, 1, 1, 0, 0, 0, 0, utc)},
		{"datetime .998 rounds to .997", TypeInfo{ID: TypeDateTime}, time.Date(2000, 1, 1, 0, 0, 0, 998000000, utc), time.Date(2000, 1, 1, 0, 0, 0, 997000000, utc)},
		{"datetime .999 carries", TypeInfo{ID: TypeDateTime}, time.Date(2000, 12, 31, 23, 59, 59, 999000000, utc), time.Date(2001, 1, 1, 0, 0, 0, 0, utc)},
		{"smalldatetime 29.998s rounds up", TypeInfo{ID: TypeDateTime4}, time.Date(2000, 1, 1, 10, 0, 29, 998000000, utc), time.Date(2000, 1, 1, 10, 0, 0, 0, utc)},
		{"smalldatetime 30s rounds up", TypeInfo{ID: TypeDateTime4}, time.Date(2000, 1, 1, 10, 0, 30, 0, utc), time.Date(2000, 1, 1, 10, 1, 0, 0, utc)},
		{"datetime2(0) carries into the next day", TypeInfo{ID: TypeDateTime2N, Scale: 0}, time.Date(2000, 2, 28, 23, 59, 59, 600000000, utc), time.Date(2000, 2, 29, 0, 0, 0, 0, utc)},
		{"datetime2 keeps the wall clock of any zone", TypeInfo{ID: TypeDateTime2N, Scale: 7}, time.Date(2000, 1, 1, 8, 0, 0, 0, time.FixedZone("", 3600)), time.Date(2000, 1, 1, 8, 0, 0, 0, utc)},
		{"time(3) rounds", TypeInfo{ID: TypeTimeN, Scale: 3}, time.Date(1, 1, 1, 0, 0, 0, 1500000, utc), time.Date(1, 1, 1, 0, 0, 0, 2000000, utc)},
		{"time of another day keeps only the clock", TypeInfo{ID: TypeTimeN, Scale: 7}, time.Date(2024, 5, 5, 5, 5, 5, 0, utc), time.Date(1, 1, 1, 5, 5, 5, 0, utc)},
		{"date drops the clock", TypeInfo{ID: TypeDateN}, time.Date(2024, 5, 5, 23, 0, 0, 0, utc), time.Date(2024, 5, 5, 0, 0, 0, 0, utc)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ti, _ := c.ti.normalize()
			b, err := appendValue(nil, &ti, c.in, nil, formColumn)
			if err != nil {
				t.Fatal(err)
			}
			got, err := readValue(&rbuf{b: b}, &ti, formColumn)
			if err != nil {
				t.Fatal(err)
			}
			if !got.(time.Time).Equal(c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	// datetimeoffset travels as UTC plus the offset.
	ti := TypeInfo{ID: TypeDateTimeOffset, Scale: 0}
	b, _ := appendValue(nil, &ti, time.Date(2000, 1, 1, 1, 0, 0, 0, time.FixedZone("", 2*3600)), nil, formColumn)
	want := []byte{8, 0x70, 0x43, 0x01, 0x06, 0x24, 0x0B, 0x78, 0x00} // 23:00:00 (82800 s) on 1999-12-31 (day 730118), +120 min
	if !bytes.Equal(b, want) {
		t.Errorf("datetimeoffset bytes % X, want % X", b, want)
	}
}

func TestEncodeErrors(t *testing.T) {
	cases := []struct {
		name string
		ti   TypeInfo
		v    any
	}{
		{"tinyint overflow", TypeInfo{ID: TypeIntN, Size: 1}, int64(256)},
		{"int overflow", TypeInfo{ID: TypeInt4}, int64(1 << 40)},
		{"string as int", TypeInfo{ID: TypeIntN, Size: 4}, "1"},
		{"NULL in a fixed type", TypeInfo{ID: TypeInt4}, nil},
		{"decimal over its precision", TypeInfo{ID: TypeDecimalN, Precision: 2}, Decimal{Lo: 100}},
		{"varchar too long", TypeInfo{ID: TypeBigVarChar, Size: 3}, "abcd"},
		{"nvarchar too long", TypeInfo{ID: TypeNVarChar, Size: 4}, "abc"},
		{"datetime before 1753", TypeInfo{ID: TypeDateTime}, time.Date(1752, 12, 31, 0, 0, 0, 0, time.UTC)},
		{"smalldatetime after 2079", TypeInfo{ID: TypeDateTime4}, time.Date(2079, 6, 7, 0, 0, 0, 0, time.UTC)},
		{"offset in seconds", TypeInfo{ID: TypeDateTimeOffset, Scale: 7}, time.Date(2000, 1, 1, 0, 0, 0, 0, time.FixedZone("", 30))},
		{"bytes as GUID", TypeInfo{ID: TypeGUID}, []byte{1}},
		{"variant of a max type", TypeInfo{ID: TypeVariant}, Variant{Type: TypeInfo{ID: TypeNVarChar, Size: MaxSize}, Value: "x"}},
		{"variant of an unknown Go type", TypeInfo{ID: TypeVariant}, struct{}{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ti, err := c.ti.normalize()
			if err != nil {
				t.Fatal(err)
			}
			b, err := appendValue([]byte{0xEE}, &ti, c.v, charsetFor(ti.Collation), formColumn)
			if err == nil {
				t.Fatalf("no error; encoded % X", b)
			}
			if !bytes.Equal(b, []byte{0xEE}) {
				t.Errorf("a failed encode left bytes behind: % X", b)
			}
		})
	}
	if _, err := (TypeInfo{ID: TypeNull}).normalize(); err == nil {
		t.Error("NULLTYPE accepted as a column type")
	}
	if _, err := (TypeInfo{ID: TypeBigChar}).normalize(); err == nil {
		t.Error("char(0) accepted")
	}
}

func TestReadTypeInfoErrors(t *testing.T) {
	cases := []struct {
		name string
		b    []byte
		kind valueErrKind
	}{
		{"unknown type", []byte{0xF0}, verrUnknownType},
		{"TVP", []byte{0xF3}, verrUnknownType},
		{"intn of 3", []byte{byte(TypeIntN), 3}, verrLength},
		{"guid of 8", []byte{byte(TypeGUID), 8}, verrLength},
		{"decimal precision 39", []byte{byte(TypeDecimalN), 17, 39, 0}, verrPrecision},
		{"decimal scale over precision", []byte{byte(TypeDecimalN), 5, 5, 6}, verrPrecision},
		{"decimal size 6", []byte{byte(TypeDecimalN), 6, 5, 0}, verrLength},
		{"time scale 8", []byte{byte(TypeTimeN), 8}, verrPrecision},
		{"nchar 9000", []byte{byte(TypeNChar), 0x28, 0x23, 0, 0, 0, 0, 0}, verrLength},
		{"varchar 8001", []byte{byte(TypeBigVarChar), 0x41, 0x1F, 0, 0, 0, 0, 0}, verrLength},
		{"nchar of an odd byte length", []byte{byte(TypeNChar), 0x31, 0x00, 0, 0, 0, 0, 0}, verrLength},
	}
	for _, c := range cases {
		_, err := readTypeInfo(&rbuf{b: c.b}, formParam)
		var ve *valueError
		if !errors.As(err, &ve) || ve.kind != c.kind {
			t.Errorf("%s: got %v, want kind %d", c.name, err, c.kind)
		}
	}
	if _, err := readTypeInfo(&rbuf{b: []byte{byte(TypeNVarChar), 0x10}}, formParam); !errors.Is(err, errTruncated) {
		t.Errorf("truncated TYPE_INFO: %v", err)
	}
}

func TestReadValueErrors(t *testing.T) {
	nv := TypeInfo{ID: TypeNVarChar, Size: 10, Collation: DefaultCollation}
	nmax := TypeInfo{ID: TypeNVarChar, Size: MaxSize, Collation: DefaultCollation}
	dec := TypeInfo{ID: TypeDecimalN, Size: 5, Precision: 2}
	cases := []struct {
		name string
		ti   TypeInfo
		b    []byte
		kind valueErrKind
	}{
		{"nvarchar longer than declared", nv, []byte{12, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0}, verrLength},
		{"nvarchar odd length", nv, []byte{3, 0, 'a', 0, 'b'}, verrOddLength},
		{"PLP total does not match chunks", nmax, []byte{4, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 'a', 0, 0, 0, 0, 0}, verrChunks},
		{"intn length 2 in intn(1)", TypeInfo{ID: TypeIntN, Size: 1}, []byte{2, 0, 0}, verrLength},
		{"decimal over precision", dec, []byte{5, 1, 100, 0, 0, 0}, verrInstance},
		{"date past 9999", TypeInfo{ID: TypeDateN}, []byte{3, 0xFF, 0xFF, 0xFF}, verrInstance},
		{"variant with unknown base", TypeInfo{ID: TypeVariant, Size: 8009}, []byte{3, 0, 0, 0, 0xF0, 0, 1}, verrVariantType},
		{"variant int with properties", TypeInfo{ID: TypeVariant, Size: 8009}, []byte{7, 0, 0, 0, byte(TypeInt4), 1, 0, 1, 0, 0, 0}, verrVariantLen},
		{"variant int of 3 bytes", TypeInfo{ID: TypeVariant, Size: 8009}, []byte{5, 0, 0, 0, byte(TypeInt4), 0, 1, 0, 0}, verrVariantInst},
		{"variant decimal precision 0", TypeInfo{ID: TypeVariant, Size: 8009}, []byte{9, 0, 0, 0, byte(TypeDecimalN), 2, 0, 0, 1, 1, 0, 0, 0}, verrVariantPrec},
	}
	for _, c := range cases {
		_, err := readValue(&rbuf{b: c.b}, &c.ti, formParam)
		var ve *valueError
		if !errors.As(err, &ve) || ve.kind != c.kind {
			t.Errorf("%s: got %v, want kind %d", c.name, err, c.kind)
		}
	}
	// A PLP whose total is larger than the message is truncation, not a
	// value error: nothing is allocated for it.
	huge := []byte{0, 0, 0, 0, 0, 0, 0, 0x10}
	if _, err := readValue(&rbuf{b: huge}, &nmax, formParam); !errors.Is(err, errTruncated) {
		t.Errorf("oversized PLP: %v", err)
	}
	// A PLP of unknown length is read chunk by chunk.
	unk := []byte{0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 2, 0, 0, 0, 'h', 0, 2, 0, 0, 0, 'i', 0, 0, 0, 0, 0}
	if v, err := readValue(&rbuf{b: unk}, &nmax, formParam); err != nil || v != "hi" {
		t.Errorf("unknown-length PLP: %v, %v", v, err)
	}
}

func TestAckVersion(t *testing.T) {
	cases := []struct {
		client, want uint32
		ok           bool
	}{
		{verTDS74, verTDS74, true},
		{0x75000000, verTDS74, true},
		{verTDS80, verTDS74, true},
		{verTDS73B, verTDS73B, true},
		{verTDS73A, verTDS73A, true},
		{verTDS72, verTDS72, true},
		{verTDS71, verTDS71, true},
		{0x70000000, 0, false},
		{0x05000000, 0, false},
	}
	for _, c := range cases {
		got, ok := ackVersion(c.client)
		if got != c.want || ok != c.ok {
			t.Errorf("ackVersion(%08X) = %08X, %v; want %08X, %v", c.client, got, ok, c.want, c.ok)
		}
	}
}

func TestNegotiateEncryption(t *testing.T) {
	cases := []struct {
		mode   TLSMode
		client uint8
		reply  uint8
		use    tlsUse
	}{
		{TLSOff, encryptOff, encryptNotSup, tlsNone},
		{TLSOff, encryptOn, encryptNotSup, tlsNone},
		{TLSOff, encryptReq, encryptNotSup, tlsNone},
		{TLSOff, encryptNotSup, encryptNotSup, tlsNone},
		{TLSOn, encryptOff, encryptOff, tlsLoginOnly},
		{TLSOn, encryptOn, encryptOn, tlsFull},
		{TLSOn, encryptReq, encryptOn, tlsFull},
		{TLSOn, encryptOn | encryptCert, encryptOn, tlsFull},
		{TLSOn, encryptNotSup, encryptNotSup, tlsNone},
		{TLSRequired, encryptOff, encryptReq, tlsFull},
		{TLSRequired, encryptOn, encryptOn, tlsFull},
		{TLSRequired, encryptReq, encryptReq, tlsFull},
		{TLSRequired, encryptNotSup, encryptReq, tlsRefuse},
	}
	for _, c := range cases {
		reply, use := negotiateEncryption(c.mode, c.client, true)
		if reply != c.reply || use != c.use {
			t.Errorf("%s, client %d: reply %d use %d; want %d %d", c.mode, c.client, reply, use, c.reply, c.use)
		}
	}
	if reply, use := negotiateEncryption(TLSOn, 0, false); reply != encryptOff || use != tlsLoginOnly {
		t.Errorf("missing ENCRYPTION option: %d %d", reply, use)
	}
}

func TestPrelogin(t *testing.T) {
	// What go-mssqldb sends (version, encryption, instance, thread id,
	// MARS, trace id).
	opts := []preloginOption{
		{preVersion, []byte{1, 11, 2, 0, 0, 0}},
		{preEncryption, []byte{encryptOff}},
		{preInstOpt, []byte("MSSQLServer\x00")},
		{preThreadID, []byte{0, 0, 0, 0}},
		{preMARS, []byte{0}},
		{preTraceID, make([]byte, 36)},
		{preFedAuth, []byte{1}},
	}
	p, err := decodePrelogin(appendPrelogin(nil, opts))
	if err != nil {
		t.Fatal(err)
	}
	if !p.HasEncrypt || p.Encryption != encryptOff || p.Instance != "MSSQLServer" || !p.FedAuth || len(p.Options) != len(opts) {
		t.Errorf("decoded %+v", p)
	}
	// The reply: VERSION 16.0.1000.6, ENCRYPTION, INSTOPT 0, THREADID empty, MARS 0.
	want := []byte{
		0x00, 0x00, 0x1A, 0x00, 0x06,
		0x01, 0x00, 0x20, 0x00, 0x01,
		0x02, 0x00, 0x21, 0x00, 0x01,
		0x03, 0x00, 0x22, 0x00, 0x00,
		0x04, 0x00, 0x22, 0x00, 0x01,
		0xFF,
		0x10, 0x00, 0x03, 0xE8, 0x00, 0x06,
		0x02,
		0x00,
		0x00,
	}
	if got := preloginReply(encryptNotSup); !bytes.Equal(got, want) {
		t.Errorf("reply\n got % X\nwant % X", got, want)
	}
	for name, b := range map[string][]byte{
		"empty":            {},
		"no terminator":    {0x01, 0x00, 0x05, 0x00, 0x01},
		"option past end":  {0x01, 0x00, 0x06, 0x00, 0x05, 0xFF},
		"empty encryption": {0x01, 0x00, 0x06, 0x00, 0x00, 0xFF},
		"header cut":       {0x01, 0x00},
	} {
		if _, err := decodePrelogin(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestLogin7(t *testing.T) {
	f := &login7Fields{
		TDSVersion: verTDS74, PacketSize: 8192, OptionFlags1: 0xF0, OptionFlags2: 0x00, TypeFlags: 0x20, OptionFlags3: 0x18,
		HostName: "host", UserName: "sa", Password: "Secret!Pass1", AppName: "Tedious", ServerName: "srv",
		CtlIntName: "Tedious", Language: "us_english", Database: "SSISDB", AttachDBFile: "", ChangePassword: "n€w",
		ClientID: [6]byte{1, 2, 3, 4, 5, 6},
		Features: []Feature{{ID: 0x0A, Data: []byte{1}}, {ID: 0x01, Data: []byte{}}},
	}
	l, err := decodeLogin7(encodeLogin7(f))
	if err != nil {
		t.Fatal(err)
	}
	want := Login{
		TDSVersion: verTDS74, PacketSize: 8192, ClientProgVer: 0x07000000, ClientPID: 1234, OptionFlags1: 0xF0, TypeFlags: 0x20,
		OptionFlags3: 0x18, ClientLCID: 0x0409, HostName: "host", UserName: "sa", Password: "Secret!Pass1", AppName: "Tedious",
		ServerName: "srv", CtlIntName: "Tedious", Language: "us_english", Database: "SSISDB", ChangePassword: "n€w",
		ClientID: [6]byte{1, 2, 3, 4, 5, 6}, Features: []Feature{{ID: 0x0A, Data: []byte{1}}, {ID: 0x01, Data: []byte{}}},
	}
	if !reflect.DeepEqual(*l, want) {
		t.Errorf("decoded\n%+v\nwant\n%+v", *l, want)
	}
	// The obfuscation vector: 's' (0x73 0x00) becomes 0x92 0xA5.
	if got := obfuscate([]byte{0x73, 0x00}); !bytes.Equal(got, []byte{0x92, 0xA5}) {
		t.Errorf("obfuscate: % X", got)
	}

	good := encodeLogin7(f)
	corrupt := func(at int, v ...byte) []byte {
		b := append([]byte(nil), good...)
		copy(b[at:], v)
		return b
	}
	for name, b := range map[string][]byte{
		"short":                  good[:60],
		"length beyond message":  corrupt(0, 0xFF, 0xFF, 0, 0),
		"length below fixed":     corrupt(0, 10, 0, 0, 0),
		"user name past the end": corrupt(40, 0xF0, 0xFF, 10, 0),
		"password past the end":  corrupt(46, 0xFF, 0x7F),
		"extension out of range": corrupt(56, 0xFF, 0xFF),
		"feature ext past end":   append(good[:len(good)-1:len(good)-1], 0x0A, 0xFF, 0xFF, 0xFF, 0x7F),
		"no feature terminator":  good[:len(good)-1],
	} {
		if name == "no feature terminator" || name == "feature ext past end" {
			binaryPutLen(b)
		}
		if _, err := decodeLogin7(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func binaryPutLen(b []byte) {
	n := uint32(len(b))
	b[0], b[1], b[2], b[3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
}

func TestPacketSplitAndJoin(t *testing.T) {
	for _, size := range []int{512, 4096} {
		for _, n := range []int{0, 1, size - headerLen - 1, size - headerLen, size - headerLen + 1, 3*(size-headerLen) + 17} {
			var wire bytes.Buffer
			pw := packetWriter{w: &wire, size: size, spid: 51}
			payload := make([]byte, n)
			for i := range payload {
				payload[i] = byte(i * 7)
			}
			if err := pw.writeMessage(pktReply, payload); err != nil {
				t.Fatal(err)
			}
			// Every packet fits the size; only the last has EOM.
			raw := wire.Bytes()
			packets := 0
			for off := 0; off < len(raw); {
				h, err := decodeHeader(raw[off:])
				if err != nil {
					t.Fatal(err)
				}
				packets++
				last := off+int(h.Length) == len(raw)
				if int(h.Length) > size || (h.Status == statusEOM) != last || h.SPID != 51 || h.PacketID != uint8(packets) {
					t.Fatalf("size %d, payload %d: packet %d header %+v", size, n, packets, h)
				}
				off += int(h.Length)
			}
			pr := packetReader{r: bytes.NewReader(raw), maxSize: 1 << 20}
			m, err := pr.readMessage()
			if err != nil || m.typ != pktReply || !bytes.Equal(m.data, payload) {
				t.Fatalf("size %d, payload %d: reassembled %d bytes, %v", size, n, len(m.data), err)
			}
		}
	}
}

func TestPacketReaderErrors(t *testing.T) {
	pkt := func(typ, status uint8, payload ...byte) []byte {
		b := make([]byte, headerLen)
		header{Type: typ, Status: status, Length: uint16(headerLen + len(payload))}.put(b)
		return append(b, payload...)
	}
	join := func(ps ...[]byte) []byte { return bytes.Join(ps, nil) }
	cases := []struct {
		name string
		wire []byte
		want error
	}{
		{"length below header", []byte{1, 1, 0, 4, 0, 0, 0, 0}, &protocolError{}},
		{"type changes mid-message", join(pkt(pktBatch, 0, 1), pkt(pktRPC, 1, 2)), &protocolError{}},
		{"too large", join(pkt(pktBatch, 0, make([]byte, 60)...), pkt(pktBatch, 1, make([]byte, 60)...)), errMessageTooLarge},
		{"cut in the header", []byte{1, 1, 0}, errTruncated},
		{"cut in the payload", pkt(pktBatch, 1, 1, 2, 3)[:10], errTruncated},
		{"cut between packets", pkt(pktBatch, 0, 1), errTruncated},
	}
	for _, c := range cases {
		pr := packetReader{r: bytes.NewReader(c.wire), maxSize: 100}
		_, err := pr.readMessage()
		switch want := c.want.(type) {
		case *protocolError:
			var pe *protocolError
			if !errors.As(err, &pe) {
				t.Errorf("%s: %v", c.name, err)
			}
		default:
			if want == errTruncated {
				if err == nil || !(errors.Is(err, errUnexpectedEOF) || errors.Is(err, errEOF)) {
					t.Errorf("%s: %v", c.name, err)
				}
			} else if !errors.Is(err, want) {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	}
	// A message the client abandons (ignore bit) is skipped.
	pr := packetReader{r: bytes.NewReader(join(pkt(pktBatch, 0, 1), pkt(pktBatch, statusEOM|statusIgnore), pkt(pktRPC, statusEOM|statusResetConn, 9))), maxSize: 100}
	m, err := pr.readMessage()
	if err != nil || m.typ != pktRPC || !bytes.Equal(m.data, []byte{9}) || m.status&statusResetConn == 0 {
		t.Errorf("after an ignored message: %+v, %v", m, err)
	}
}

func TestTransMgrDecode(t *testing.T) {
	r, err := decodeTransMgr(encodeTransMgr(7, TMBegin, 2, "outer"), verTDS74)
	if err != nil || r.Kind != TMBegin || r.Isolation != 2 || r.Name != "outer" || r.Descriptor != 7 || r.OutstandingReqCnt != 1 {
		t.Fatalf("begin: %+v, %v", r, err)
	}
	// tedious counts the name in bytes.
	b := appendAllHeaders(nil, 0)
	b = appendU16(b, uint16(TMCommit))
	b = append(b, 10)
	b = appendUTF16(b, "txn01")
	b = append(b, 0)
	r, err = decodeTransMgr(b, verTDS74)
	if err != nil || r.Kind != TMCommit || r.Name != "txn01" {
		t.Fatalf("tedious commit: %+v, %v", r, err)
	}
	// go-mssqldb's commit-and-begin-new form.
	b = appendAllHeaders(nil, 9)
	b = appendU16(b, uint16(TMRollback))
	b = appendBVarchar(b, "a")
	b = append(b, 1, 4)
	b = appendBVarchar(b, "b")
	r, err = decodeTransMgr(b, verTDS74)
	if err != nil || r.Kind != TMRollback || !r.BeginNew || r.NewIsolation != 4 || r.NewName != "b" {
		t.Fatalf("rollback and begin: %+v, %v", r, err)
	}
	for name, b := range map[string][]byte{
		"no headers":       {1, 0},
		"begin cut":        encodeTransMgr(0, TMBegin, 1, "abc")[:27],
		"trailing garbage": append(encodeTransMgr(0, TMSave, 0, "s"), 1, 2, 3),
	} {
		if _, err := decodeTransMgr(b, verTDS74); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestRPCDecode(t *testing.T) {
	coll := DefaultCollation
	calls := []rpcCall{
		{ProcID: ProcExecuteSQL, Params: []Param{
			{Type: TypeInfo{ID: TypeNVarChar, Size: MaxSize, Collation: coll}, Value: "select @a"},
			{Type: TypeInfo{ID: TypeNVarChar, Size: 100, Collation: coll}, Value: "@a int, @b nvarchar(max) output"},
			{Name: "@a", Type: TypeInfo{ID: TypeIntN, Size: 4}, Value: int64(5)},
			{Name: "@b", Output: true, Type: TypeInfo{ID: TypeNVarChar, Size: MaxSize, Collation: coll}, Value: nil},
			{Name: "@c", Default: true, Type: TypeInfo{ID: TypeNull}},
		}},
		{Name: "dbo.proc", Options: 0x02, Params: []Param{
			{Name: "@t", Type: TypeInfo{ID: TypeNText, Collation: coll}, Value: "ntext param"},
			{Name: "@x", Type: TypeInfo{ID: TypeText, Collation: coll}, Value: nil},
		}},
	}
	b, err := encodeRPC(42, calls...)
	if err != nil {
		t.Fatal(err)
	}
	d, err := newRPCDecoder(b, verTDS74)
	if err != nil {
		t.Fatal(err)
	}
	first, err := d.next()
	if err != nil {
		t.Fatal(err)
	}
	if first.Name != "sp_executesql" || first.ProcID != ProcExecuteSQL || first.Descriptor != 42 || len(first.Params) != 5 {
		t.Fatalf("first RPC: %+v", first)
	}
	if p := first.Params[3]; p.Name != "@b" || !p.Output || p.Value != nil || p.Type.Size != MaxSize {
		t.Errorf("output param: %+v", p)
	}
	if p := first.Params[4]; !p.Default || p.Type.ID != TypeNull {
		t.Errorf("default param: %+v", p)
	}
	second, err := d.next()
	if err != nil {
		t.Fatal(err)
	}
	if second.Name != "dbo.proc" || second.ProcID != 0 || second.Options != 2 || second.Params[0].Value != "ntext param" || second.Params[1].Value != nil {
		t.Fatalf("second RPC: %+v", second)
	}
	if _, err := d.next(); err != errEOF {
		t.Fatalf("after the last RPC: %v", err)
	}

	msgCases := []struct {
		name   string
		call   rpcCall
		raw    func([]byte) []byte
		number int32
	}{
		{"unknown proc id", rpcCall{ProcID: 99}, nil, 8004},
		{"unknown type", rpcCall{Name: "p", Params: []Param{{Name: "@a", Type: TypeInfo{ID: TypeIntN, Size: 4}, Value: int64(1)}}},
			func(b []byte) []byte { b[len(b)-7] = 0xF0; return b }, 8009},
		{"bad status", rpcCall{Name: "p", Params: []Param{{Name: "@a", Type: TypeInfo{ID: TypeIntN, Size: 4}, Value: int64(1)}}},
			func(b []byte) []byte { b[len(b)-8] = 0x08; return b }, 8006},
		{"null output", rpcCall{Name: "p", Params: []Param{{Name: "@a", Output: true, Type: TypeInfo{ID: TypeNull}}}}, nil, 8015},
		{"text output", rpcCall{Name: "p", Params: []Param{{Name: "@a", Output: true, Type: TypeInfo{ID: TypeText, Collation: coll}, Value: "x"}}}, nil, 8018},
		{"intn size 3", rpcCall{Name: "p", Params: []Param{{Name: "@a", Type: TypeInfo{ID: TypeIntN, Size: 4}, Value: int64(1)}}},
			func(b []byte) []byte { b[len(b)-5] = 3; return b }, 8016},
		{"odd nvarchar", rpcCall{Name: "p", Params: []Param{{Name: "@a", Type: TypeInfo{ID: TypeNVarChar, Size: 10, Collation: coll}, Value: "ab"}}},
			func(b []byte) []byte { b[len(b)-6] = 3; return b[:len(b)-1] }, 8028},
	}
	for _, c := range msgCases {
		b, err := encodeRPC(0, c.call)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.raw != nil {
			b = c.raw(b)
		}
		d, _ := newRPCDecoder(b, verTDS74)
		_, err = d.next()
		var m *Message
		if !errors.As(err, &m) || m.Number != c.number || m.Class != 16 {
			t.Errorf("%s: got %v, want Msg %d", c.name, err, c.number)
		} else if !strings.Contains(m.Text, "stream is incorrect") && c.number != 8018 {
			t.Errorf("%s: text %q", c.name, m.Text)
		}
	}

	many := rpcCall{Name: "p"}
	for i := 0; i < 2101; i++ {
		many.Params = append(many.Params, Param{Type: TypeInfo{ID: TypeNull}})
	}
	b, _ = encodeRPC(0, many)
	d, _ = newRPCDecoder(b, verTDS74)
	if _, err := d.next(); err == nil || err.(*Message).Number != 8003 {
		t.Errorf("2101 parameters: %v", err)
	}

	// Truncation anywhere is malformed input, not a reply.
	b, _ = encodeRPC(0, calls...)
	for cut := 0; cut < len(b)-1; cut += 7 {
		d, err := newRPCDecoder(b[:cut], verTDS74)
		for err == nil {
			_, err = d.next()
		}
		var m *Message
		if errors.As(err, &m) {
			t.Fatalf("cut at %d answered as Msg %d", cut, m.Number)
		}
	}
}
