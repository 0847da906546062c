// Package ispac reads and writes SSIS project deployment files (.ispac): an
// Open Packaging Conventions zip holding @Project.manifest, Project.params,
// one .dtsx per package and one .conmgr per project connection manager.
//
// Read is for untrusted input: the zip and every XML part are bounded in
// size, entry count, nesting depth and element count, DTDs are refused (so
// entity-expansion bombs fail), and nothing panics. Build writes a minimal
// valid .ispac from a Project; Read(Build(p)) gives p back.
package ispac

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// XML namespaces of the parts.
const (
	NSSSIS = "www.microsoft.com/SqlServer/SSIS"
	NSDTS  = "www.microsoft.com/SqlServer/Dts"
)

// Limits bound what Read accepts.
type Limits struct {
	MaxFileBytes   int64 // the .ispac itself
	MaxEntries     int   // zip entries
	MaxEntryBytes  int64 // one uncompressed part
	MaxTotalBytes  int64 // all uncompressed parts together
	MaxXMLDepth    int
	MaxXMLElements int
}

// DefaultLimits are generous for real projects and small enough that a zip
// bomb or an XML bomb is refused quickly.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes:   256 << 20,
		MaxEntries:     10000,
		MaxEntryBytes:  64 << 20,
		MaxTotalBytes:  512 << 20,
		MaxXMLDepth:    256,
		MaxXMLElements: 2_000_000,
	}
}

// Project is the content of an .ispac as the catalog stores it.
type Project struct {
	Name            string
	ID              string // GUID text
	Description     string
	ProtectionLevel string // e.g. DontSaveSensitive
	FormatVersion   int    // project format, 1
	VersionMajor    int
	VersionMinor    int
	VersionBuild    int
	// Params are the project parameters followed by the CM.<name>.<property>
	// parameters of project connection managers (object_type 20).
	Params             []Param
	Packages           []Package
	ConnectionManagers []string // .conmgr part names
}

// Package is one .dtsx of a project.
type Package struct {
	Name            string // file name, e.g. "package1.dtsx"
	EntryPoint      bool
	ID              string // package GUID text, with braces as SSIS writes it
	Description     string
	VersionMajor    int
	VersionMinor    int
	VersionBuild    int
	VersionComments string
	VersionGUID     string
	FormatVersion   int // PackageFormatVersion, 8 for 2016+
	// Params are the package parameters and package-level CM.* parameters
	// (object_type 30).
	Params []Param
}

// Param is a project or package parameter.
type Param struct {
	Name        string
	DataType    string // SSIS type name: Boolean, Byte, DateTime, Decimal, Double, Int16, Int32, Int64, SByte, Single, String, UInt32, UInt64
	Required    bool
	Sensitive   bool
	Description string
	// Value is the design default as text, nil when the file has none
	// (unsaved sensitive values).
	Value *string
	ID    string
}

// Error is a deployment failure: the part that was wrong and why. Its text
// is what the catalog writes to operation_messages.
type Error struct {
	Part   string // "" for the zip itself
	Reason string
}

func (e *Error) Error() string {
	if e.Part == "" {
		return "The project file is not valid: " + e.Reason
	}
	return fmt.Sprintf("The project file part '%s' is not valid: %s", e.Part, e.Reason)
}

func fail(part, format string, args ...any) *Error {
	return &Error{Part: part, Reason: fmt.Sprintf(format, args...)}
}

// typeCodes maps System.TypeCode numbers (the DataType property) to the
// SSIS type names the catalog stores.
var typeCodes = map[int]string{
	3: "Boolean", 5: "SByte", 6: "Byte", 7: "Int16", 9: "Int32", 10: "UInt32",
	11: "Int64", 12: "UInt64", 13: "Single", 14: "Double", 15: "Decimal",
	16: "DateTime", 18: "String",
}

// TypeName returns the SSIS type name of a System.TypeCode number.
func TypeName(code int) (string, bool) {
	n, ok := typeCodes[code]
	return n, ok
}

// TypeCode returns the System.TypeCode number of an SSIS type name
// (case-insensitive).
func TypeCode(name string) (int, bool) {
	for c, n := range typeCodes {
		if strings.EqualFold(n, name) {
			return c, true
		}
	}
	return 0, false
}

// Read parses an .ispac.
func Read(data []byte, lim Limits) (*Project, error) {
	if int64(len(data)) > lim.MaxFileBytes {
		return nil, fail("", "the file is larger than %d bytes", lim.MaxFileBytes)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fail("", "it is not a zip archive (%v)", err)
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, fail("", "it has more than %d parts", lim.MaxEntries)
	}
	parts := map[string][]byte{}
	var total int64
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		b, err := readEntry(f, lim, &total)
		if err != nil {
			return nil, err
		}
		parts[strings.ToLower(unescapePart(f.Name))] = b
	}
	manifest, ok := parts["@project.manifest"]
	if !ok {
		return nil, fail("", "the part '@Project.manifest' is missing")
	}
	p, err := readManifest(manifest, lim)
	if err != nil {
		return nil, err
	}
	if pp, ok := parts["project.params"]; ok && len(bytes.TrimSpace(pp)) > 0 {
		root, err := parseXML(pp, lim)
		if err != nil {
			return nil, fail("Project.params", "%v", err)
		}
		if root.local != "Parameters" {
			return nil, fail("Project.params", "the root element is <%s>, not <SSIS:Parameters>", root.local)
		}
		params, err := readParams(root, "Project.params")
		if err != nil {
			return nil, err
		}
		p.Params = append(params, p.Params...)
	}
	for _, cm := range p.ConnectionManagers {
		b, ok := parts[strings.ToLower(cm)]
		if !ok {
			return nil, fail("", "the connection manager part '%s' is missing", cm)
		}
		if _, err := parseXML(b, lim); err != nil {
			return nil, fail(cm, "%v", err)
		}
	}
	for i := range p.Packages {
		pk := &p.Packages[i]
		b, ok := parts[strings.ToLower(pk.Name)]
		if !ok {
			return nil, fail("", "the package part '%s' is missing", pk.Name)
		}
		d, err := ReadPackage(pk.Name, b, lim)
		if err != nil {
			return nil, err
		}
		// The manifest's metadata wins; the .dtsx fills what it lacks.
		if pk.ID == "" {
			pk.ID = d.ID
		}
		if pk.VersionGUID == "" {
			pk.VersionGUID = d.VersionGUID
		}
		if pk.Description == "" {
			pk.Description = d.Description
		}
		if pk.FormatVersion == 0 {
			pk.FormatVersion = d.FormatVersion
		}
		if pk.Params == nil {
			pk.Params = d.Params
		}
	}
	return p, nil
}

// unescapePart undoes OPC part-name escaping (%20 and friends).
func unescapePart(name string) string {
	name = strings.TrimPrefix(name, "/")
	if !strings.Contains(name, "%") {
		return name
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		if name[i] == '%' && i+2 < len(name) {
			if v, err := strconv.ParseUint(name[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(name[i])
	}
	return b.String()
}

func readEntry(f *zip.File, lim Limits, total *int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(lim.MaxEntryBytes) {
		return nil, fail(f.Name, "the part is larger than %d bytes", lim.MaxEntryBytes)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fail(f.Name, "it cannot be read (%v)", err)
	}
	defer rc.Close()
	// The header's size may lie: read at most one byte past the limit.
	b, err := io.ReadAll(io.LimitReader(rc, lim.MaxEntryBytes+1))
	if err != nil {
		return nil, fail(f.Name, "it cannot be read (%v)", err)
	}
	if int64(len(b)) > lim.MaxEntryBytes {
		return nil, fail(f.Name, "the part is larger than %d bytes", lim.MaxEntryBytes)
	}
	*total += int64(len(b))
	if *total > lim.MaxTotalBytes {
		return nil, fail("", "the parts together are larger than %d bytes", lim.MaxTotalBytes)
	}
	return b, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

func readManifest(data []byte, lim Limits) (*Project, error) {
	const part = "@Project.manifest"
	root, err := parseXML(data, lim)
	if err != nil {
		return nil, fail(part, "%v", err)
	}
	if root.local != "Project" || root.space != NSSSIS {
		return nil, fail(part, "the root element is not <SSIS:Project> in namespace %s", NSSSIS)
	}
	p := &Project{}
	p.ProtectionLevel, _ = root.attr("ProtectionLevel")
	props := root.props()
	p.Name = props["Name"]
	if strings.TrimSpace(p.Name) == "" {
		return nil, fail(part, "the project has no Name property")
	}
	p.ID = props["ID"]
	p.Description = props["Description"]
	p.FormatVersion = atoi(props["FormatVersion"])
	p.VersionMajor = atoi(props["VersionMajor"])
	p.VersionMinor = atoi(props["VersionMinor"])
	p.VersionBuild = atoi(props["VersionBuild"])
	seen := map[string]bool{}
	for _, pk := range root.child("Packages").children("Package") {
		name, _ := pk.attr("Name")
		if name == "" {
			return nil, fail(part, "a package has no Name")
		}
		if seen[strings.ToLower(name)] {
			return nil, fail(part, "the package '%s' is listed twice", name)
		}
		seen[strings.ToLower(name)] = true
		ep, _ := pk.attr("EntryPoint")
		p.Packages = append(p.Packages, Package{Name: name, EntryPoint: ep == "1" || strings.EqualFold(ep, "true")})
	}
	for _, cm := range root.child("ConnectionManagers").children("ConnectionManager") {
		name, _ := cm.attr("Name")
		if name == "" {
			return nil, fail(part, "a connection manager has no Name")
		}
		p.ConnectionManagers = append(p.ConnectionManagers, name)
	}
	di := root.child("DeploymentInfo")
	if cp := di.child("ProjectConnectionParameters"); cp != nil {
		params, err := readParams(cp, part)
		if err != nil {
			return nil, err
		}
		p.Params = append(p.Params, params...)
	}
	for _, md := range di.child("PackageInfo").children("PackageMetaData") {
		name, _ := md.attr("Name")
		var pk *Package
		for i := range p.Packages {
			if strings.EqualFold(p.Packages[i].Name, name) {
				pk = &p.Packages[i]
			}
		}
		if pk == nil {
			return nil, fail(part, "package metadata names '%s', which is not in the package list", name)
		}
		mp := md.props()
		pk.ID = mp["ID"]
		pk.Description = mp["Description"]
		pk.VersionMajor = atoi(mp["VersionMajor"])
		pk.VersionMinor = atoi(mp["VersionMinor"])
		pk.VersionBuild = atoi(mp["VersionBuild"])
		pk.VersionComments = mp["VersionComments"]
		pk.VersionGUID = mp["VersionGUID"]
		pk.FormatVersion = atoi(mp["PackageFormatVersion"])
		params, err := readParams(md.child("Parameters"), part)
		if err != nil {
			return nil, err
		}
		if params == nil {
			params = []Param{}
		}
		pk.Params = params
	}
	return p, nil
}

func readParams(n *node, part string) ([]Param, error) {
	var out []Param
	seen := map[string]bool{}
	for _, e := range n.children("Parameter") {
		name, _ := e.attr("Name")
		pr := e.props()
		if name == "" {
			name = pr["Name"]
		}
		if name == "" {
			return nil, fail(part, "a parameter has no Name")
		}
		if seen[name] {
			return nil, fail(part, "the parameter '%s' is defined twice", name)
		}
		seen[name] = true
		code, err := strconv.Atoi(strings.TrimSpace(pr["DataType"]))
		if err != nil {
			return nil, fail(part, "the parameter '%s' has no valid DataType", name)
		}
		tn, ok := TypeName(code)
		if !ok {
			return nil, fail(part, "the parameter '%s' has the unsupported DataType %d", name, code)
		}
		p := Param{
			Name:        name,
			DataType:    tn,
			Required:    pr["Required"] == "1" || strings.EqualFold(pr["Required"], "true"),
			Sensitive:   pr["Sensitive"] == "1" || strings.EqualFold(pr["Sensitive"], "true"),
			Description: pr["Description"],
			ID:          pr["ID"],
		}
		for _, q := range e.child("Properties").children("Property") {
			if n, _ := q.attr("Name"); n == "Value" {
				v := q.text.String()
				p.Value = &v
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// ReadPackage parses one .dtsx: its identity and its package parameters.
// The catalog uses it for each package of an .ispac and to wrap a loose
// .dtsx into a one-package project.
func ReadPackage(name string, data []byte, lim Limits) (*Package, error) {
	if int64(len(data)) > lim.MaxEntryBytes {
		return nil, fail(name, "the part is larger than %d bytes", lim.MaxEntryBytes)
	}
	root, err := parseXML(data, lim)
	if err != nil {
		return nil, fail(name, "%v", err)
	}
	if root.local != "Executable" || root.space != NSDTS {
		return nil, fail(name, "the root element is not <DTS:Executable> in namespace %s", NSDTS)
	}
	pk := &Package{Name: name, EntryPoint: true, Params: []Param{}}
	pk.ID, _ = root.attr("DTSID")
	pk.Description, _ = root.attr("Description")
	pk.VersionGUID, _ = root.attr("VersionGUID")
	if v, ok := root.attr("VersionMajor"); ok {
		pk.VersionMajor = atoi(v)
	}
	if v, ok := root.attr("VersionMinor"); ok {
		pk.VersionMinor = atoi(v)
	}
	if v, ok := root.attr("VersionBuild"); ok {
		pk.VersionBuild = atoi(v)
	}
	for _, pr := range root.children("Property") {
		if n, _ := pr.attr("Name"); n == "PackageFormatVersion" {
			pk.FormatVersion = atoi(pr.text.String())
		}
	}
	for _, e := range root.child("PackageParameters").children("PackageParameter") {
		pname, _ := e.attr("ObjectName")
		if pname == "" {
			return nil, fail(name, "a package parameter has no ObjectName")
		}
		code, _ := e.attr("DataType")
		tn, ok := TypeName(atoi(code))
		if !ok {
			return nil, fail(name, "the parameter '%s' has the unsupported DataType %s", pname, code)
		}
		req, _ := e.attr("Required")
		sen, _ := e.attr("Sensitive")
		desc, _ := e.attr("Description")
		id, _ := e.attr("DTSID")
		p := Param{Name: pname, DataType: tn, Required: strings.EqualFold(req, "true") || req == "1",
			Sensitive: strings.EqualFold(sen, "true") || sen == "1", Description: desc, ID: id}
		for _, q := range e.children("Property") {
			if n, _ := q.attr("Name"); n == "ParameterValue" {
				v := q.text.String()
				p.Value = &v
			}
		}
		pk.Params = append(pk.Params, p)
	}
	return pk, nil
}

// AsError returns the *Error in err's chain.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// sortedNames is for deterministic output.
func sortedNames(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
