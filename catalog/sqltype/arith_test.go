package sqltype

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestArith(t *testing.T) {
	lit := func(s string) Value {
		v, err := DecimalLiteral(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	three, _ := IntegerLiteral("3")
	cases := []struct {
		name string
		op   Op
		a, b Value
		want string
		typ  string // expected result type, when checked
	}{
		{"int+int", OpAdd, NewInt(2), NewInt(3), "5", "int"},
		{"int overflow", OpAdd, NewInt(2147483647), NewInt(1), "Msg 8115: Arithmetic overflow error converting expression to data type int.", ""},
		{"int mul overflow", OpMul, NewInt(65536), NewInt(65536), "Msg 8115: Arithmetic overflow error converting expression to data type int.", ""},
		{"tinyint overflow", OpAdd, NewTinyInt(255), NewTinyInt(1), "Msg 8115: Arithmetic overflow error converting expression to data type tinyint.", ""},
		{"int+bigint is bigint", OpAdd, NewInt(1), NewBigInt(1), "2", "bigint"},
		{"bigint overflow", OpMul, NewBigInt(1 << 62), NewBigInt(4), "Msg 8115: Arithmetic overflow error converting expression to data type bigint.", ""},
		{"int division truncates", OpDiv, NewInt(7), NewInt(2), "3", "int"},
		{"negative division toward zero", OpDiv, NewInt(-7), NewInt(2), "-3", ""},
		{"modulo sign of dividend", OpMod, NewInt(-7), NewInt(2), "-1", ""},
		{"divide by zero", OpDiv, NewInt(1), NewInt(0), "Msg 8134: Divide by zero error encountered.", ""},
		{"modulo by zero", OpMod, NewInt(1), NewInt(0), "Msg 8134: Divide by zero error encountered.", ""},
		{"min int / -1", OpDiv, NewInt(-2147483648), NewInt(-1), "Msg 8115: Arithmetic overflow error converting expression to data type int.", ""},
		{"string + int converts string", OpAdd, vc("123"), NewInt(1), "124", "int"},
		{"bad string + int", OpAdd, NewInt(1), vc(" is not a string."), "Msg 245: Conversion failed when converting the varchar value ' is not a string.' to data type int.", ""},
		{"concat", OpAdd, vc("ab"), vc("cd"), "abcd", "varchar(4)"},
		{"concat unicode", OpAdd, vc("ab"), nvc("cd"), "abcd", "nvarchar(4)"},
		{"concat NULL", OpAdd, vc("ab"), Null(VarCharN(3)), "NULL", ""},
		{"binary concat", OpAdd, NewVarBinary([]byte{1}), NewVarBinary([]byte{2}), "0x0102", "varbinary(2)"},
		{"1.0/3", OpDiv, lit("1.0"), three, "0.333333", "numeric(7,6)"},
		{"decimal add", OpAdd, dec("1.25", 5, 2), dec("2.5", 3, 1), "3.75", "numeric(6,2)"},
		{"decimal mul", OpMul, dec("1.25", 5, 2), dec("2.5", 3, 1), "3.125", "numeric(9,3)"},
		{"decimal div", OpDiv, dec("10", 5, 0), dec("4", 5, 0), "2.500000", "numeric(11,6)"},
		{"decimal + int", OpAdd, dec("1.5", 2, 1), NewInt(1), "2.5", "numeric(12,1)"},
		{"decimal mod", OpMod, dec("10.5", 3, 1), dec("3", 1, 0), "1.5", ""},
		{"decimal divide by zero", OpDiv, dec("1", 5, 0), dec("0", 5, 0), "Msg 8134: Divide by zero error encountered.", ""},
		{"decimal38 mul reduces scale", OpMul, dec("1", 38, 10), dec("1", 38, 10), "1.000000", "numeric(38,6)"},
		{"decimal overflow", OpMul, dec("99999999999999999999999999999999999999", 38, 0), NewInt(10), "Msg 8115: Arithmetic overflow error converting expression to data type numeric.", ""},
		{"money + int", OpAdd, NewMoney(15000), NewInt(1), "2.50", "money"},
		{"money * money", OpMul, NewMoney(15000), NewMoney(20000), "3.00", "money"},
		{"money / money", OpDiv, NewMoney(10000), NewMoney(30000), "0.33", "money"},
		{"money + decimal is decimal", OpAdd, NewMoney(15000), dec("1.5", 2, 1), "3.0000", "numeric(20,4)"},
		{"float", OpDiv, NewFloat(1), NewFloat(4), "0.25", "float"},
		{"float divide by zero", OpDiv, NewFloat(1), NewFloat(0), "Msg 8134: Divide by zero error encountered.", ""},
		{"float + int", OpAdd, NewFloat(0.5), NewInt(1), "1.5", "float"},
		{"float modulo", OpMod, NewFloat(5), NewInt(2), "Msg 8117: Operand data type float is invalid for modulo operator.", ""},
		{"real + int is real", OpAdd, NewReal(0.5), NewInt(1), "1.5", "real"},
		{"datetime + int days", OpAdd, dt("2020-01-31 10:00:00"), NewInt(1), "Feb  1 2020 10:00AM", "datetime"},
		{"datetime - float", OpSub, dt("2020-01-01 12:00:00"), NewFloat(0.5), "Jan  1 2020 12:00AM", "datetime"},
		{"datetime - datetime", OpSub, dt("2020-01-03 00:00:00"), dt("2020-01-01 00:00:00"), "Jan  3 1900 12:00AM", "datetime"},
		{"date + int clash", OpAdd, NewTime(TDate, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)), NewInt(1), "Msg 206: Operand type clash: date is incompatible with int", ""},
		{"bit + bit invalid", OpAdd, NewBit(true), NewBit(true), "Msg 8117: Operand data type bit is invalid for add operator.", ""},
		{"string - string invalid", OpSub, vc("a"), vc("b"), "Msg 8117: Operand data type varchar is invalid for subtract operator.", ""},
		{"guid + int invalid", OpAdd, NewUniqueIdentifier(uuid.New()), NewInt(1), "Msg 8117: Operand data type uniqueidentifier is invalid for add operator.", ""},
		{"NULL + int", OpAdd, Value{}, NewInt(1), "NULL", "int"},
		{"bit and", OpBitAnd, NewInt(12), NewInt(10), "8", "int"},
		{"bit or", OpBitOr, NewInt(12), NewInt(10), "14", "int"},
		{"bit xor", OpBitXor, NewInt(12), NewInt(10), "6", "int"},
		{"bit & bit", OpBitAnd, NewBit(true), NewBit(true), "1", "bit"},
		{"decimal & int", OpBitAnd, dec("1", 1, 0), NewInt(1), "Msg 402: The data types decimal and decimal are incompatible in the '&' operator.", ""},
	}
	for _, c := range cases {
		v, err := Arith(c.op, c.a, c.b)
		if got := show(v, err); got != c.want {
			t.Errorf("%s: %#v %s %#v = %q, want %q", c.name, c.a, c.op, c.b, got, c.want)
			continue
		}
		if c.typ != "" && err == nil && v.Type().String() != c.typ {
			t.Errorf("%s: type %s, want %s", c.name, v.Type(), c.typ)
		}
	}
}

func TestArithTypeStatic(t *testing.T) {
	if _, err := ArithType(OpAdd, TSQLVariant, TInt); err == nil || show(Value{}, err) != "Msg 8117: Operand data type sql_variant is invalid for add operator." {
		t.Errorf("sql_variant + int = %v", err)
	}
	if got := ConcatType(NVarCharN(3000), NVarCharN(3000)); got != NVarCharN(4000) {
		t.Errorf("nvarchar(3000)+nvarchar(3000) = %s", got)
	}
	if got := ConcatType(NVarCharN(10), NVarCharN(Max)); got != NVarCharN(Max) {
		t.Errorf("nvarchar(10)+nvarchar(max) = %s", got)
	}
	if got := ConcatType(VarCharN(5000), VarCharN(5000)); got != VarCharN(8000) {
		t.Errorf("varchar(5000)+varchar(5000) = %s", got)
	}
	p, s := DecimalResult(OpDiv, 38, 10, 38, 10)
	if p != 38 || s != 6 {
		t.Errorf("decimal(38,10)/decimal(38,10) = (%d,%d), want (38,6)", p, s)
	}
	p, s = DecimalResult(OpAdd, 10, 2, 5, 4)
	if p != 13 || s != 4 {
		t.Errorf("decimal(10,2)+decimal(5,4) = (%d,%d), want (13,4)", p, s)
	}
}

func TestConcatNullOff(t *testing.T) {
	v, err := Concat(vc("abc"), Null(VarCharN(1)), false)
	if show(v, err) != "abc" {
		t.Errorf("CONCAT_NULL_YIELDS_NULL OFF: %s", show(v, err))
	}
	v, err = Concat(vc("abc"), Null(VarCharN(1)), true)
	if show(v, err) != "NULL" {
		t.Errorf("CONCAT_NULL_YIELDS_NULL ON: %s", show(v, err))
	}
}

func TestUnary(t *testing.T) {
	cases := []struct {
		f    func(Value) (Value, error)
		v    Value
		want string
	}{
		{Neg, NewInt(5), "-5"},
		{Neg, NewInt(-2147483648), "Msg 8115: Arithmetic overflow error converting expression to data type int."},
		{Neg, dec("1.5", 2, 1), "-1.5"},
		{Neg, NewMoney(10000), "-1.00"},
		{Neg, NewFloat(2), "-2"},
		{Neg, NewBit(true), "Msg 8117: Operand data type bit is invalid for minus operator."},
		{Neg, Null(TInt), "NULL"},
		{BitNot, NewInt(0), "-1"},
		{BitNot, NewTinyInt(1), "254"},
		{BitNot, NewBit(true), "0"},
	}
	for _, c := range cases {
		if got := show(c.f(c.v)); got != c.want {
			t.Errorf("%#v: %q, want %q", c.v, got, c.want)
		}
	}
}

func TestResultType(t *testing.T) {
	cases := []struct {
		a, b Type
		want string
	}{
		{TInt, VarCharN(10), "int"},
		{NVarCharN(10), VarCharN(20), "nvarchar(20)"},
		{TDateTime, TDate, "datetime"},
		{TDateTime, DateTimeOffsetS(7), "datetimeoffset(7)"},
		{DecimalPS(10, 2), TInt, "decimal(12,2)"},
		{DecimalPS(5, 4), TBigInt, "decimal(23,4)"},
		{TFloat, DecimalPS(10, 2), "float"},
		{TSQLVariant, TInt, "sql_variant"},
		{TUniqueIdentifier, NVarCharN(36), "uniqueidentifier"},
		{TInt, TDate, "Msg 206: Operand type clash: int is incompatible with date"},
		{TUniqueIdentifier, TInt, "Msg 206: Operand type clash: uniqueidentifier is incompatible with int"},
		{Type{}, TInt, "int"},
	}
	for _, c := range cases {
		got, err := ResultType(c.a, c.b)
		s := got.String()
		if err != nil {
			s = show(Value{}, err)
		}
		if s != c.want {
			t.Errorf("ResultType(%s, %s) = %s, want %s", c.a, c.b, s, c.want)
		}
	}
	if Precedence(DateTimeOffset) <= Precedence(DateTime) || Precedence(Int) <= Precedence(NVarChar) || Precedence(Decimal) <= Precedence(Money) {
		t.Error("precedence order broken")
	}
}

func TestIntArithAllocs(t *testing.T) {
	a, b := NewInt(2), NewInt(3)
	n := testing.AllocsPerRun(100, func() {
		if _, err := Add(a, b); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Errorf("int+int allocates %v times", n)
	}
}
