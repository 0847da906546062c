package store

import (
	"context"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// BenchmarkParameterValueWithVersions measures a durable
// set_object_parameter_value on a project with 1 and with 10 kept
// versions: the project's record carries the older versions' .ispac, so
// this is what keeping versions costs a write to the project. The 1
// version run is the baseline of the same run.
func BenchmarkParameterValueWithVersions(b *testing.B) {
	for _, versions := range []int{1, 10} {
		b.Run("versions="+itoa(int64(versions)), func(b *testing.B) {
			c, sa, stop := benchCatalog(b, true)
			defer stop()
			ctx := context.Background()
			data := ispacOf(b, "p", "pkg.dtsx")
			for range versions - 1 {
				if _, err := c.DeployProject(ctx, nil, sa, str("f"), str("p"), data); err != nil {
					b.Fatal(err)
				}
			}
			n := int64(0)
			for b.Loop() {
				n++
				if _, err := c.SetObjectParameterValue(ctx, nil, sa, i16(20), str("f"), str("p"), str("Environment"),
					sqltype.NewNVarChar("v"+itoa(n)), nil, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(data)), "ispac-bytes")
		})
	}
}
