package builtin

import (
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

func benchBound(b *testing.B, name string, args ...sqltype.Value) {
	f, _ := Lookup(name)
	ts := make([]sqltype.Type, len(args))
	for i, a := range args {
		ts[i] = a.Type()
	}
	bound, err := f.Bind(ts)
	if err != nil {
		b.Fatal(err)
	}
	env := testEnv()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bound.Eval(env, args); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDateAddDay(b *testing.B) {
	benchBound(b, "DATEADD", part("day"), i32(1), dtv("2020-01-31 10:00:00"))
}

func BenchmarkDateDiffDay(b *testing.B) {
	benchBound(b, "DATEDIFF", part("day"), dtv("2020-01-31 10:00:00"), dtv("2021-03-01 00:00:00"))
}

func BenchmarkCharIndex(b *testing.B) {
	benchBound(b, "CHARINDEX", nvc("Execution"), nvc("SSISDB catalog.executions: Execution 42 failed"))
}

func BenchmarkFormatN2(b *testing.B) {
	benchBound(b, "FORMAT", sqltype.NewFloat(1234.5678), vc("N2"), vc("en-US"))
}
