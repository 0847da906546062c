package sqltype

import (
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestCompareCollation(t *testing.T) {
	cases := []struct {
		a, b string
		coll Collation
		want int
	}{
		{"abc", "ABC", CollationDefault, 0},
		{"abc", "abc   ", CollationDefault, 0},
		{"abc ", "abc", CollationDefault, 0},
		{"e", "é", CollationDefault, -1},
		{"é", "f", CollationDefault, -1},
		{"É", "é", CollationDefault, 0},
		{"Straße", "STRASSE", CollationDefault, 0},
		{"ＡＢＣ", "abc", CollationDefault, 0}, // width-insensitive
		{"abc", "abd", CollationDefault, -1},
		{"abc", "ab", CollationDefault, 1},
		{"a", "B", CollationDefault, -1},
		{"Z", "a", CollationDefault, 1},
		{"10", "9", CollationDefault, -1},
		{"", " ", CollationDefault, 0},
		{"abc", "ABC", CollationCS, -1},
		{"ABC", "abc", CollationCS, 1},
		{"abc", "abc ", CollationCS, 0},
		{"aB", "Ab", CollationCS, -1},
		{"Ab", "ab", CollationCS, 1},
		{"ab", "AC", CollationCS, -1}, // the letter decides before the case
		{"abc", "ABC", CollationBinary, 1},
		{"B", "a", CollationBinary, -1},
	}
	for _, c := range cases {
		if got := CompareStrings(c.a, c.b, c.coll); got != c.want {
			t.Errorf("%q vs %q under %s = %d, want %d", c.a, c.b, c.coll.Name, got, c.want)
		}
		// Keys agree with equality.
		ka, kb := AppendStringKey(nil, c.a, c.coll), AppendStringKey(nil, c.b, c.coll)
		if (string(ka) == string(kb)) != (c.want == 0) {
			t.Errorf("keys of %q and %q under %s disagree with Compare (%q, %q)", c.a, c.b, c.coll.Name, ka, kb)
		}
	}
}

func TestCollationByName(t *testing.T) {
	c, ok := CollationByName("SQL_Latin1_General_CP1_CS_AS")
	if !ok || !c.CaseSensitive || !c.AccentSensitive {
		t.Errorf("CS_AS = %+v", c)
	}
	c, ok = CollationByName("Latin1_General_100_CI_AI")
	if !ok || c.CaseSensitive || c.AccentSensitive {
		t.Errorf("CI_AI = %+v", c)
	}
	if CompareStrings("e", "é", c) != 0 {
		t.Error("accent-insensitive collation tells e from é")
	}
	if c, ok = CollationByName("Latin1_General_BIN2"); !ok || !c.Binary {
		t.Errorf("BIN2 = %+v", c)
	}
	if _, ok = CollationByName("Klingon"); ok {
		t.Error("nonsense collation accepted")
	}
}

func TestCompareValues(t *testing.T) {
	g1 := NewUniqueIdentifier(uuid.MustParse("55666BEE-B3A0-4BF5-81A7-86FF976E763F"))
	g2 := NewUniqueIdentifier(uuid.MustParse("8DD5BCA5-6ABE-4F73-B4B7-393AE6BBB849"))
	off := NewTime(DateTimeOffsetS(7), time.Date(2020, 1, 1, 12, 0, 0, 0, time.FixedZone("", 2*3600)))
	cases := []struct {
		name string
		a, b Value
		want string
	}{
		{"int vs bigint", NewInt(1), NewBigInt(2), "-1"},
		{"string vs int compares numbers", vc("10"), NewInt(9), "1"},
		{"bad string vs int", vc("abc"), NewInt(9), "Msg 245: Conversion failed when converting the varchar value 'abc' to data type int."},
		{"decimal scales", dec("1.50", 5, 2), dec("1.5", 5, 1), "0"},
		{"int vs decimal", NewInt(2), dec("1.99", 5, 2), "1"},
		{"money vs int", NewMoney(10000), NewInt(1), "0"},
		{"float vs int", NewFloat(1.5), NewInt(1), "1"},
		{"string vs decimal", vc("1.50"), dec("1.5", 2, 1), "0"},
		{"guid order by last group", g1, g2, "1"},
		{"datetime vs date", dt("2020-01-01 00:00:00"), NewTime(TDate, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)), "0"},
		{"datetimeoffset is an instant", off, dt("2020-01-01 10:00:00"), "0"},
		{"string vs datetime", vc("2020-01-01"), dt("2020-01-01 00:00:00"), "0"},
		{"int vs date clash", NewInt(1), NewTime(TDate, time.Now()), "Msg 206: Operand type clash: int is incompatible with date"},
		{"binary trailing zeros", NewVarBinary([]byte{1}), NewVarBinary([]byte{1, 0}), "0"},
		{"nvarchar vs varchar", nvc("ABC"), vc("abc "), "0"},
	}
	for _, c := range cases {
		n, err := Compare(c.a, c.b, CollationDefault)
		got := show(NewInt(int64(n)), err)
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if _, err := Compare(Null(TInt), NewInt(1), CollationDefault); err != ErrNull {
		t.Errorf("NULL compare err = %v", err)
	}
	if eq, err := Equal(Null(TInt), NewInt(1), CollationDefault); eq || err != nil {
		t.Errorf("NULL = 1 is %v, %v", eq, err)
	}
}

func TestGUIDSortOrder(t *testing.T) {
	// Ascending order as SQL Server sorts these (least significant first).
	ordered := []string{
		"01000000-0000-0000-0000-000000000000",
		"10000000-0000-0000-0000-000000000000",
		"00010000-0000-0000-0000-000000000000",
		"00000100-0000-0000-0000-000000000000",
		"00000001-0000-0000-0000-000000000000",
		"00000000-0100-0000-0000-000000000000",
		"00000000-0001-0000-0000-000000000000",
		"00000000-0000-0100-0000-000000000000",
		"00000000-0000-0001-0000-000000000000",
		"00000000-0000-0000-0001-000000000000",
		"00000000-0000-0000-0100-000000000000",
		"00000000-0000-0000-0000-000000000001",
		"00000000-0000-0000-0000-000000000100",
		"00000000-0000-0000-0000-010000000000",
	}
	vals := make([]Value, len(ordered))
	for i := range ordered {
		vals[len(ordered)-1-i] = NewUniqueIdentifier(uuid.MustParse(ordered[i]))
	}
	sort.Slice(vals, func(i, j int) bool {
		c, _ := Compare(vals[i], vals[j], CollationDefault)
		return c < 0
	})
	for i, v := range vals {
		if got := formatGUID(v.Bytes()); got != ordered[i] && got != toUpperASCII(ordered[i]) {
			t.Errorf("position %d: %s, want %s", i, got, ordered[i])
		}
	}
}

func toUpperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func TestCompareVariant(t *testing.T) {
	// Families: date/time > approximate > exact > character > binary > guid.
	if c, _ := CompareVariant(NewInt(1), vc("1"), CollationDefault); c <= 0 {
		t.Errorf("variant int 1 vs '1' = %d, want > 0 (different families)", c)
	}
	if c, _ := CompareVariant(NewFloat(0), NewInt(100), CollationDefault); c <= 0 {
		t.Errorf("variant float vs int = %d", c)
	}
	if c, _ := CompareVariant(NewInt(1), dec("1.0", 2, 1), CollationDefault); c != 0 {
		t.Errorf("variant int vs decimal same family = %d", c)
	}
	if c, _ := CompareVariant(dt("1900-01-01 00:00:00"), NewFloat(1e300), CollationDefault); c <= 0 {
		t.Errorf("variant datetime vs float = %d", c)
	}
}

func TestKeys(t *testing.T) {
	same := [][2]Value{
		{NewInt(1), dec("1.00", 5, 2)},
		{NewMoney(10000), NewBigInt(1)},
		{NewFloat(1), NewInt(1)},
		{NewFloat(0.1), dec("0.100", 5, 3)},
		{NewFloat(-0.0), NewInt(0)},
		{vc("ABC "), nvc("abc")},
		{dt("2020-01-01 00:00:00"), NewTime(TDate, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))},
		{NewTime(DateTimeOffsetS(7), time.Date(2020, 1, 1, 12, 0, 0, 0, time.FixedZone("", 3600))), NewTime(DateTimeOffsetS(7), time.Date(2020, 1, 1, 11, 0, 0, 0, time.UTC))},
		{Null(TInt), Null(VarCharN(1))},
	}
	for _, p := range same {
		if Key(p[0], CollationDefault) != Key(p[1], CollationDefault) {
			t.Errorf("keys differ: %#v %#v", p[0], p[1])
		}
	}
	diff := [][2]Value{
		{NewInt(1), vc("1")},
		{vc("e"), vc("é")},
		{NewInt(1), NewInt(2)},
		{Null(TInt), NewInt(0)},
	}
	for _, p := range diff {
		if Key(p[0], CollationDefault) == Key(p[1], CollationDefault) {
			t.Errorf("keys equal: %#v %#v", p[0], p[1])
		}
	}
	if Key(vc("Abc"), CollationCS) == Key(vc("abc"), CollationCS) {
		t.Error("CS keys ignore case")
	}
}

func TestLike(t *testing.T) {
	cases := []struct {
		s, p   string
		esc    rune
		coll   Collation
		want   bool
		reason string
	}{
		{"abc", "abc", 0, CollationDefault, true, "exact"},
		{"ABC", "abc", 0, CollationDefault, true, "case-insensitive"},
		{"ABC", "abc", 0, CollationCS, false, "case-sensitive"},
		{"abc", "a%", 0, CollationDefault, true, "percent"},
		{"abc", "%c", 0, CollationDefault, true, "leading percent"},
		{"abc", "%b%", 0, CollationDefault, true, "contains"},
		{"abc", "a_c", 0, CollationDefault, true, "underscore"},
		{"abc", "a_", 0, CollationDefault, false, "underscore is one char"},
		{"abc", "[a-c]bc", 0, CollationDefault, true, "range"},
		{"Bbc", "[a-c]bc", 0, CollationDefault, true, "range is case-insensitive under CI"},
		{"dbc", "[a-c]bc", 0, CollationDefault, false, "outside range"},
		{"dbc", "[^a-c]bc", 0, CollationDefault, true, "negated range"},
		{"abc", "[^a-c]bc", 0, CollationDefault, false, "negated range miss"},
		{"b", "[abc]", 0, CollationDefault, true, "set"},
		{"10%", "10!%", '!', CollationDefault, true, "escape percent"},
		{"100", "10!%", '!', CollationDefault, false, "escaped percent is literal"},
		{"a_b", "a!_b", '!', CollationDefault, true, "escape underscore"},
		{"axb", "a!_b", '!', CollationDefault, false, "escaped underscore is literal"},
		{"5%", "5[%]", 0, CollationDefault, true, "bracketed percent"},
		{"abc", "abc ", 0, CollationDefault, false, "pattern blanks count"},
		{"abc  ", "abc", 0, CollationDefault, true, "trailing blanks of the expression are ignored"},
		{"abc  ", "abc_", 0, CollationDefault, true, "underscore may take a trailing blank"},
		{"e", "é", 0, CollationDefault, false, "accent-sensitive"},
		{"É", "é", 0, CollationDefault, true, "case-insensitive accented"},
		{"SSISDB.catalog", "%.catalog", 0, CollationDefault, true, "dot is literal"},
		{"", "%", 0, CollationDefault, true, "empty matches percent"},
		{"", "_", 0, CollationDefault, false, "empty does not match underscore"},
		{"abc", "[", 0, CollationDefault, false, "unclosed bracket"},
		{"aXbXc", "a%b%c", 0, CollationDefault, true, "two percents"},
		{"ab", "a%%%b", 0, CollationDefault, true, "collapsed percents"},
		{"mississippi", "%iss%ip%", 0, CollationDefault, true, "backtracking"},
		{"mississippi", "%iss%ipx%", 0, CollationDefault, false, "backtracking miss"},
	}
	for _, c := range cases {
		if got := Like(c.s, c.p, c.esc, c.coll); got != c.want {
			t.Errorf("%s: %q LIKE %q = %v, want %v", c.reason, c.s, c.p, got, c.want)
		}
	}
}
