package ispac

import (
	"archive/zip"
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func sampleProject() *Project {
	return &Project{
		Name:               "project1",
		Description:        "demo",
		ProtectionLevel:    "DontSaveSensitive",
		FormatVersion:      1,
		VersionMajor:       1,
		ConnectionManagers: []string{"Warehouse.conmgr"},
		Params: []Param{
			{Name: "BatchSize", DataType: "Int32", Required: true, Value: Str("500")},
			{Name: "Secret", DataType: "String", Sensitive: true},
			{Name: "CM.Warehouse.ConnectionString", DataType: "String", Value: Str("Data Source=.;Initial Catalog=dw;")},
		},
		Packages: []Package{
			{Name: "package1.dtsx", EntryPoint: true, Description: "loads <things> & more", VersionMajor: 1, FormatVersion: 8,
				Params: []Param{
					{Name: "RunDate", DataType: "DateTime", Value: Str("2017-10-01T00:00:00")},
					{Name: "Enabled", DataType: "Boolean", Value: Str("true")},
					{Name: "CM.Flat File.ConnectionString", DataType: "String", Value: Str(`C:\in\a.csv`)},
				}},
			{Name: "child.dtsx", EntryPoint: false, VersionMajor: 2, FormatVersion: 8, Params: []Param{}},
		},
	}
}

func TestBuildReadRoundTrip(t *testing.T) {
	p := sampleProject()
	data, err := Build(p)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Build(p)
	if err != nil || !bytes.Equal(data, again) {
		t.Fatalf("Build is not deterministic")
	}
	got, err := Read(data, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "project1" || got.ProtectionLevel != "DontSaveSensitive" || got.FormatVersion != 1 {
		t.Errorf("project header: %+v", got)
	}
	// Project.params come first, then the manifest's CM parameters.
	var names []string
	for _, q := range got.Params {
		names = append(names, q.Name)
	}
	if want := []string{"BatchSize", "Secret", "CM.Warehouse.ConnectionString"}; !reflect.DeepEqual(names, want) {
		t.Errorf("project params = %v, want %v", names, want)
	}
	if q := got.Params[0]; !q.Required || q.DataType != "Int32" || q.Value == nil || *q.Value != "500" {
		t.Errorf("BatchSize = %+v", q)
	}
	if q := got.Params[1]; !q.Sensitive || q.Value != nil {
		t.Errorf("Secret = %+v", q)
	}
	if len(got.Packages) != 2 || !got.Packages[0].EntryPoint || got.Packages[1].EntryPoint {
		t.Fatalf("packages = %+v", got.Packages)
	}
	pk := got.Packages[0]
	if pk.Description != "loads <things> & more" || pk.FormatVersion != 8 || len(pk.Params) != 3 || pk.ID == "" || pk.VersionGUID == "" {
		t.Errorf("package1 = %+v", pk)
	}
	if q := pk.Params[2]; q.Name != "CM.Flat File.ConnectionString" || *q.Value != `C:\in\a.csv` {
		t.Errorf("package CM param = %+v", q)
	}
	if got.Packages[1].VersionMajor != 2 {
		t.Errorf("child version = %d", got.Packages[1].VersionMajor)
	}
}

func TestReadPackageLoose(t *testing.T) {
	p := sampleProject()
	b := buildDtsx(p.Packages[0], "{A}", "{B}")
	pk, err := ReadPackage("package1.dtsx", b, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	// CM.* parameters are not package parameters inside a .dtsx.
	if len(pk.Params) != 2 || pk.Params[0].Name != "RunDate" || pk.Params[0].DataType != "DateTime" || pk.ID != "{A}" || !pk.EntryPoint {
		t.Errorf("loose package = %+v", pk)
	}
}

func mustZip(t *testing.T, parts map[string]string) []byte {
	t.Helper()
	m := map[string][]byte{}
	for k, v := range parts {
		m[k] = []byte(v)
	}
	b, err := Zip(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const goodManifest = `<?xml version="1.0"?><SSIS:Project xmlns:SSIS="www.microsoft.com/SqlServer/SSIS"><SSIS:Properties><SSIS:Property SSIS:Name="Name">p</SSIS:Property></SSIS:Properties><SSIS:Packages><SSIS:Package SSIS:Name="a.dtsx" SSIS:EntryPoint="1" /></SSIS:Packages></SSIS:Project>`
const goodDtsx = `<DTS:Executable xmlns:DTS="www.microsoft.com/SqlServer/Dts" DTS:DTSID="{X}"></DTS:Executable>`

func TestReadRejects(t *testing.T) {
	small := DefaultLimits()
	small.MaxEntryBytes = 1 << 20
	small.MaxTotalBytes = 2 << 20
	small.MaxXMLDepth = 50

	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("@Project.manifest")
	zeros := make([]byte, 1<<20)
	for range 8 {
		w.Write(zeros)
	}
	zw.Close()

	billion := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><SSIS:Project xmlns:SSIS="www.microsoft.com/SqlServer/SSIS">&lol2;</SSIS:Project>`
	deep := strings.Repeat("<a>", 60) + strings.Repeat("</a>", 60)

	cases := []struct {
		name string
		data []byte
		lim  Limits
		want string
	}{
		{"not a zip", []byte("PK\x03\x04 this is not really a zip"), DefaultLimits(), "not a zip archive"},
		{"empty", nil, DefaultLimits(), "not a zip archive"},
		{"truncated zip", func() []byte { b, _ := Build(sampleProject()); return b[:len(b)/2] }(), DefaultLimits(), "not a zip archive"},
		{"no manifest", mustZip(t, map[string]string{"a.dtsx": goodDtsx}), DefaultLimits(), "'@Project.manifest' is missing"},
		{"manifest not xml", mustZip(t, map[string]string{"@Project.manifest": "<SSIS:Project", "a.dtsx": goodDtsx}), DefaultLimits(), "@Project.manifest"},
		{"manifest wrong root", mustZip(t, map[string]string{"@Project.manifest": "<Project/>"}), DefaultLimits(), "root element"},
		{"manifest unnamed", mustZip(t, map[string]string{"@Project.manifest": `<SSIS:Project xmlns:SSIS="www.microsoft.com/SqlServer/SSIS"/>`}), DefaultLimits(), "no Name"},
		{"package missing", mustZip(t, map[string]string{"@Project.manifest": goodManifest}), DefaultLimits(), "'a.dtsx' is missing"},
		{"package not xml", mustZip(t, map[string]string{"@Project.manifest": goodManifest, "a.dtsx": "<DTS:Executable"}), DefaultLimits(), "a.dtsx"},
		{"package wrong root", mustZip(t, map[string]string{"@Project.manifest": goodManifest, "a.dtsx": "<x/>"}), DefaultLimits(), "DTS:Executable"},
		{"params not xml", mustZip(t, map[string]string{"@Project.manifest": goodManifest, "a.dtsx": goodDtsx, "Project.params": "<SSIS:Parameters>"}), DefaultLimits(), "Project.params"},
		{"bad data type", mustZip(t, map[string]string{"@Project.manifest": goodManifest, "a.dtsx": goodDtsx,
			"Project.params": `<SSIS:Parameters xmlns:SSIS="www.microsoft.com/SqlServer/SSIS"><SSIS:Parameter SSIS:Name="x"><SSIS:Properties><SSIS:Property SSIS:Name="DataType">2</SSIS:Property></SSIS:Properties></SSIS:Parameter></SSIS:Parameters>`}),
			DefaultLimits(), "unsupported DataType 2"},
		{"zip bomb", bomb.Bytes(), small, "larger than"},
		{"entity bomb", mustZip(t, map[string]string{"@Project.manifest": billion}), DefaultLimits(), "DTD is prohibited"},
		{"deep xml", mustZip(t, map[string]string{"@Project.manifest": deep}), small, "nested deeper"},
		{"undefined entity", mustZip(t, map[string]string{"@Project.manifest": `<SSIS:Project xmlns:SSIS="www.microsoft.com/SqlServer/SSIS">&boom;</SSIS:Project>`}), DefaultLimits(), "entity"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(c.data, c.lim)
			if err == nil {
				t.Fatal("Read accepted it")
			}
			if _, ok := AsError(err); !ok {
				t.Errorf("error %T is not *ispac.Error", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	good, _ := Build(sampleProject())
	f.Add(good)
	f.Add([]byte("PK\x03\x04"))
	f.Add(mustZipF(map[string]string{"@Project.manifest": goodManifest, "a.dtsx": goodDtsx}))
	lim := DefaultLimits()
	lim.MaxEntryBytes = 1 << 20
	lim.MaxTotalBytes = 4 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Read(data, lim)
		if err == nil && p.Name == "" {
			t.Fatal("accepted a project without a name")
		}
	})
}

func mustZipF(parts map[string]string) []byte {
	m := map[string][]byte{}
	for k, v := range parts {
		m[k] = []byte(v)
	}
	b, _ := Zip(m)
	return b
}
