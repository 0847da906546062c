package store

import (
	"context"
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// BenchmarkParameterValueWithVersions measures a durable
// set_object_parameter_value on a project with 1 and with 10 kept
// versions, of the small demo .ispac and of a 2 MB one. The kept versions'
// .ispac have their own rows, written once, so a parameter change should
// cost about the same whatever is kept; the 1 version runs are the
// baseline of the same run.
func BenchmarkParameterValueWithVersions(b *testing.B) {
	for _, size := range []int{0, 2 << 20} {
		for _, versions := range []int{1, 10} {
			name := "ispac=small/versions=" + itoa(int64(versions))
			if size > 0 {
				name = "ispac=2MB/versions=" + itoa(int64(versions))
			}
			b.Run(name, func(b *testing.B) {
				c, sa, stop := benchCatalog(b, true)
				defer stop()
				ctx := context.Background()
				project := "p" // benchCatalog deployed its first version
				data := ispacOf(b, project, "pkg.dtsx")
				if size > 0 {
					project = "big"
				}
				for i := range versions {
					if size > 0 {
						data = largeIspacOf(b, project, "pkg.dtsx", size, uint64(i))
					} else if i == 0 {
						continue
					}
					if _, err := c.DeployProject(ctx, nil, sa, str("f"), str(project), data); err != nil {
						b.Fatal(err)
					}
				}
				n := int64(0)
				for b.Loop() {
					n++
					if _, err := c.SetObjectParameterValue(ctx, nil, sa, i16(20), str("f"), str(project), str("Environment"),
						sqltype.NewNVarChar("v"+itoa(n)), nil, nil); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(data)), "ispac-bytes")
			})
		}
	}
}
