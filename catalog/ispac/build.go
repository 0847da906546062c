package ispac

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// Build writes a minimal valid .ispac for p: the manifest (with package
// metadata, package parameters and project connection parameters),
// Project.params, one .dtsx per package and one .conmgr per connection
// manager, and [Content_Types].xml. Packages with no ID get a stable one
// derived from their position, so the output is deterministic.
func Build(p *Project) ([]byte, error) {
	if strings.TrimSpace(p.Name) == "" {
		return nil, fmt.Errorf("ispac: the project needs a name")
	}
	parts := map[string][]byte{}
	parts["[Content_Types].xml"] = []byte(`<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="dtsx" ContentType="text/xml" /><Default Extension="conmgr" ContentType="text/xml" />` +
		`<Default Extension="params" ContentType="text/xml" /><Default Extension="manifest" ContentType="text/xml" /></Types>`)

	// Project parameters go to Project.params; CM.* parameters of project
	// connection managers go to the manifest, as SSDT writes them.
	var projParams, cmParams []Param
	for _, q := range p.Params {
		if strings.HasPrefix(q.Name, "CM.") {
			cmParams = append(cmParams, q)
		} else {
			projParams = append(projParams, q)
		}
	}
	var pp strings.Builder
	pp.WriteString(`<?xml version="1.0"?>` + "\n" + `<SSIS:Parameters xmlns:SSIS="` + NSSSIS + `">`)
	for i, q := range projParams {
		if err := writeParam(&pp, q, fmt.Sprintf("p%d", i)); err != nil {
			return nil, err
		}
	}
	pp.WriteString(`</SSIS:Parameters>`)
	parts["Project.params"] = []byte(pp.String())

	var m strings.Builder
	m.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	m.WriteString(`<SSIS:Project SSIS:ProtectionLevel="` + esc(orDefault(p.ProtectionLevel, "DontSaveSensitive")) + `" xmlns:SSIS="` + NSSSIS + `">`)
	m.WriteString(`<SSIS:Properties>`)
	writeProp(&m, "ID", orDefault(p.ID, stableGUID("project", p.Name)))
	writeProp(&m, "Name", p.Name)
	writeProp(&m, "VersionMajor", fmt.Sprint(max(p.VersionMajor, 1)))
	writeProp(&m, "VersionMinor", fmt.Sprint(p.VersionMinor))
	writeProp(&m, "VersionBuild", fmt.Sprint(p.VersionBuild))
	writeProp(&m, "VersionComments", "")
	writeProp(&m, "CreationDate", "2017-10-02T00:00:00")
	writeProp(&m, "CreatorName", `EMULATOR\builder`)
	writeProp(&m, "CreatorComputerName", "EMULATOR")
	writeProp(&m, "Description", p.Description)
	writeProp(&m, "FormatVersion", fmt.Sprint(max(p.FormatVersion, 1)))
	m.WriteString(`</SSIS:Properties><SSIS:Packages>`)
	for _, pk := range p.Packages {
		ep := "0"
		if pk.EntryPoint {
			ep = "1"
		}
		m.WriteString(`<SSIS:Package SSIS:Name="` + esc(pk.Name) + `" SSIS:EntryPoint="` + ep + `" />`)
	}
	m.WriteString(`</SSIS:Packages><SSIS:ConnectionManagers>`)
	for _, cm := range p.ConnectionManagers {
		m.WriteString(`<SSIS:ConnectionManager SSIS:Name="` + esc(cm) + `" />`)
	}
	m.WriteString(`</SSIS:ConnectionManagers><SSIS:DeploymentInfo><SSIS:ProjectConnectionParameters>`)
	for i, q := range cmParams {
		if err := writeParam(&m, q, fmt.Sprintf("c%d", i)); err != nil {
			return nil, err
		}
	}
	m.WriteString(`</SSIS:ProjectConnectionParameters><SSIS:PackageInfo>`)
	for i, pk := range p.Packages {
		if !strings.HasSuffix(strings.ToLower(pk.Name), ".dtsx") {
			return nil, fmt.Errorf("ispac: package name %q must end in .dtsx", pk.Name)
		}
		id := orDefault(pk.ID, "{"+stableGUID("package", p.Name+"/"+pk.Name)+"}")
		vg := orDefault(pk.VersionGUID, "{"+stableGUID("version", p.Name+"/"+pk.Name)+"}")
		m.WriteString(`<SSIS:PackageMetaData SSIS:Name="` + esc(pk.Name) + `"><SSIS:Properties>`)
		writeProp(&m, "ID", id)
		writeProp(&m, "Name", strings.TrimSuffix(pk.Name, ".dtsx"))
		writeProp(&m, "VersionMajor", fmt.Sprint(max(pk.VersionMajor, 1)))
		writeProp(&m, "VersionMinor", fmt.Sprint(pk.VersionMinor))
		writeProp(&m, "VersionBuild", fmt.Sprint(pk.VersionBuild))
		writeProp(&m, "VersionComments", pk.VersionComments)
		writeProp(&m, "VersionGUID", vg)
		writeProp(&m, "PackageFormatVersion", fmt.Sprint(orInt(pk.FormatVersion, 8)))
		writeProp(&m, "Description", pk.Description)
		writeProp(&m, "ProtectionLevel", "0")
		m.WriteString(`</SSIS:Properties><SSIS:Parameters>`)
		for j, q := range pk.Params {
			if err := writeParam(&m, q, fmt.Sprintf("k%d_%d", i, j)); err != nil {
				return nil, err
			}
		}
		m.WriteString(`</SSIS:Parameters></SSIS:PackageMetaData>`)
		parts[pk.Name] = buildDtsx(pk, id, vg)
	}
	m.WriteString(`</SSIS:PackageInfo></SSIS:DeploymentInfo></SSIS:Project>`)
	parts["@Project.manifest"] = []byte(m.String())
	for _, cm := range p.ConnectionManagers {
		name := strings.TrimSuffix(cm, ".conmgr")
		parts[cm] = []byte(`<?xml version="1.0"?>` + "\n" + `<DTS:ConnectionManager xmlns:DTS="` + NSDTS + `" DTS:ObjectName="` + esc(name) +
			`" DTS:DTSID="{` + stableGUID("conmgr", cm) + `}" DTS:CreationName="OLEDB"><DTS:ObjectData><DTS:ConnectionManager DTS:ConnectionString="Data Source=.;Initial Catalog=tempdb;Provider=SQLNCLI11.1;Integrated Security=SSPI;" /></DTS:ObjectData></DTS:ConnectionManager>`)
	}
	return Zip(parts)
}

// Zip stores parts (name -> content) in a deflated zip, in name order. Tests
// use it to build broken archives from text.
func Zip(parts map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedNames(parts) {
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(parts[name]); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func buildDtsx(pk Package, id, vg string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n")
	b.WriteString(`<DTS:Executable xmlns:DTS="` + NSDTS + `" DTS:refId="Package" DTS:CreationName="Microsoft.Package" DTS:DTSID="` + esc(id) +
		`" DTS:ExecutableType="Microsoft.Package" DTS:ObjectName="` + esc(strings.TrimSuffix(pk.Name, ".dtsx")) +
		`" DTS:Description="` + esc(pk.Description) + `" DTS:VersionGUID="` + esc(vg) + `" DTS:VersionMajor="` + fmt.Sprint(max(pk.VersionMajor, 1)) + `">`)
	b.WriteString(`<DTS:Property DTS:Name="PackageFormatVersion">` + fmt.Sprint(orInt(pk.FormatVersion, 8)) + `</DTS:Property>`)
	b.WriteString(`<DTS:PackageParameters>`)
	for i, q := range pk.Params {
		if strings.HasPrefix(q.Name, "CM.") {
			continue
		}
		code, _ := TypeCode(q.DataType)
		b.WriteString(`<DTS:PackageParameter DTS:CreationName="" DTS:DataType="` + fmt.Sprint(code) + `" DTS:DTSID="{` + stableGUID("pparam", fmt.Sprint(pk.Name, i)) +
			`}" DTS:ObjectName="` + esc(q.Name) + `" DTS:Description="` + esc(q.Description) + `"`)
		if q.Required {
			b.WriteString(` DTS:Required="True"`)
		}
		if q.Sensitive {
			b.WriteString(` DTS:Sensitive="True"`)
		}
		b.WriteString(`>`)
		if q.Value != nil {
			b.WriteString(`<DTS:Property DTS:DataType="` + fmt.Sprint(code) + `" DTS:Name="ParameterValue">` + esc(*q.Value) + `</DTS:Property>`)
		}
		b.WriteString(`</DTS:PackageParameter>`)
	}
	b.WriteString(`</DTS:PackageParameters><DTS:Variables /><DTS:Executables /></DTS:Executable>`)
	return []byte(b.String())
}

func writeParam(b *strings.Builder, q Param, salt string) error {
	code, ok := TypeCode(q.DataType)
	if !ok {
		return fmt.Errorf("ispac: parameter %q has the unknown type %q", q.Name, q.DataType)
	}
	b.WriteString(`<SSIS:Parameter SSIS:Name="` + esc(q.Name) + `"><SSIS:Properties>`)
	writeProp(b, "ID", orDefault(q.ID, "{"+stableGUID("param", salt+q.Name)+"}"))
	writeProp(b, "CreationName", "")
	writeProp(b, "Description", q.Description)
	writeProp(b, "IncludeInDebugDump", "0")
	writeProp(b, "Required", boolDigit(q.Required))
	writeProp(b, "Sensitive", boolDigit(q.Sensitive))
	if q.Value != nil {
		writeProp(b, "Value", *q.Value)
	}
	writeProp(b, "DataType", fmt.Sprint(code))
	b.WriteString(`</SSIS:Properties></SSIS:Parameter>`)
	return nil
}

func writeProp(b *strings.Builder, name, value string) {
	b.WriteString(`<SSIS:Property SSIS:Name="` + esc(name) + `">` + esc(value) + `</SSIS:Property>`)
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func orInt(n, d int) int {
	if n == 0 {
		return d
	}
	return n
}

func boolDigit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// stableGUID derives a GUID-shaped id from text (FNV-based), so built
// projects are byte-for-byte reproducible.
func stableGUID(kind, s string) string {
	var h [16]byte
	x := uint64(14695981039346656037)
	for i := range 16 {
		for _, c := range []byte(kind + "\x00" + s) {
			x ^= uint64(c)
			x *= 1099511628211
		}
		x ^= uint64(i)
		h[i] = byte(x >> 24)
	}
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%X-%X-%X-%X-%X", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// Str returns a pointer to s, for Param.Value literals.
func Str(s string) *string { return &s }
