package sqltype

import "testing"

var sinkValue Value
var sinkInt int

func BenchmarkAddIntInt(b *testing.B) {
	x, y := NewInt(20), NewInt(22)
	b.ReportAllocs()
	for b.Loop() {
		v, err := Add(x, y)
		if err != nil {
			b.Fatal(err)
		}
		sinkValue = v
	}
}

func BenchmarkAddDecimal(b *testing.B) {
	x, y := dec("12.50", 10, 2), dec("7.125", 10, 3)
	b.ReportAllocs()
	for b.Loop() {
		sinkValue, _ = Add(x, y)
	}
}

func BenchmarkCompareNVarCharCI(b *testing.B) {
	x := NewNVarChar("SSISDB_Catalog_Folder_Name")
	y := NewNVarChar("ssisdb_catalog_folder_name  ")
	b.ReportAllocs()
	for b.Loop() {
		c, err := Compare(x, y, CollationDefault)
		if err != nil {
			b.Fatal(err)
		}
		sinkInt = c
	}
}

func BenchmarkCompareNVarCharCIAccented(b *testing.B) {
	x := NewNVarChar("Dépôt_Éxécution")
	y := NewNVarChar("dépôt_éxécution")
	b.ReportAllocs()
	for b.Loop() {
		sinkInt, _ = Compare(x, y, CollationDefault)
	}
}

func BenchmarkConvertIntToNVarChar(b *testing.B) {
	x := NewInt(123456789)
	to := NVarCharN(30)
	b.ReportAllocs()
	for b.Loop() {
		v, err := Convert(x, to, 0)
		if err != nil {
			b.Fatal(err)
		}
		sinkValue = v
	}
}

func BenchmarkConvertStringToDateTime(b *testing.B) {
	x := NewVarChar("2020-01-02 13:14:15.123")
	b.ReportAllocs()
	for b.Loop() {
		sinkValue, _ = Convert(x, TDateTime, 0)
	}
}

func BenchmarkLikeCompiled(b *testing.B) {
	p := CompileLike("%catalog%exec_tion%", 0, CollationDefault)
	s := "SSISDB.Catalog.Executions_and_more"
	b.ReportAllocs()
	for b.Loop() {
		if !p.Match(s) {
			b.Fatal("no match")
		}
	}
}

func BenchmarkLikeUncompiled(b *testing.B) {
	s := "SSISDB.Catalog.Executions_and_more"
	b.ReportAllocs()
	for b.Loop() {
		if !Like(s, "%catalog%exec_tion%", 0, CollationDefault) {
			b.Fatal("no match")
		}
	}
}

func BenchmarkKeyString(b *testing.B) {
	x := NewNVarChar("SSISDB_Catalog_Folder_Name")
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendKey(buf[:0], x, CollationDefault)
	}
}
