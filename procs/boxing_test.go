package procs

import (
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/wire"
)

// TestSameBoxed: a column's previous wire value is reused exactly when the
// new value would box to an equal value of the same Go type.
func TestSameBoxed(t *testing.T) {
	at := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	vc := sqltype.NVarCharN(20)
	tests := []struct {
		name      string
		col       sqltype.Type
		prev, cur sqltype.Value
		same      bool
	}{
		{"equal bigints", sqltype.TBigInt, sqltype.NewBigInt(500), sqltype.NewBigInt(500), true},
		{"different bigints", sqltype.TBigInt, sqltype.NewBigInt(500), sqltype.NewBigInt(501), false},
		{"equal strings", vc, sqltype.NewString(vc, "package1.dtsx"), sqltype.NewString(vc, "package1.dtsx"), true},
		{"different strings", vc, sqltype.NewString(vc, "a"), sqltype.NewString(vc, "b"), false},
		{"equal times", sqltype.DateTimeOffsetS(7), sqltype.NewDateTimeOffset(at), sqltype.NewDateTimeOffset(at), true},
		{"same instant, other zone", sqltype.DateTimeOffsetS(7), sqltype.NewDateTimeOffset(at),
			sqltype.NewDateTimeOffset(at.In(time.FixedZone("+02:00", 7200))), false},
		{"NULL after a value", sqltype.TBigInt, sqltype.NewBigInt(1), sqltype.Null(sqltype.TBigInt), false},
		{"value after NULL", sqltype.TBigInt, sqltype.Null(sqltype.TBigInt), sqltype.NewBigInt(1), false},
		{"bytes are never reused", sqltype.VarBinaryN(4), sqltype.NewVarBinary([]byte{1}), sqltype.NewVarBinary([]byte{1}), false},
		{"guids are never reused", sqltype.TUniqueIdentifier, sqltype.NewUniqueIdentifier(uuid.Nil), sqltype.NewUniqueIdentifier(uuid.Nil), false},
		{"decimals are never reused", sqltype.DecimalPS(10, 2), sqltype.NewDecimal(big.NewInt(5), 10, 2), sqltype.NewDecimal(big.NewInt(5), 10, 2), false},
		{"sql_variant is never reused", sqltype.TSQLVariant, sqltype.NewBigInt(500), sqltype.NewBigInt(500), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			boxed := wire.Value(tt.col, tt.prev)
			if got := sameBoxed(boxed, tt.cur); got != tt.same {
				t.Fatalf("sameBoxed = %v, want %v", got, tt.same)
			}
			if tt.same && !reflect.DeepEqual(boxed, wire.Value(tt.col, tt.cur)) {
				t.Fatalf("reused %#v for %#v", boxed, wire.Value(tt.col, tt.cur))
			}
		})
	}
}
