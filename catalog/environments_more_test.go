package catalog

import (
	"testing"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// envSetup adds folder2, an environment env in folder1 with a variable v,
// and a relative reference of project1 to it; it returns the reference id.
func envSetup(e *env) int64 {
	admin := e.as(lAdmin)
	_, err := e.c.CreateFolder(e.ctx, nil, admin, s("folder2"))
	must(e.t, err)
	must(e.t, e.c.CreateEnvironment(e.ctx, nil, admin, s("folder1"), s("env"), s("first")))
	must(e.t, e.c.CreateEnvironmentVariable(e.ctx, nil, admin, s("folder1"), s("env"), s("v"), s("String"), b(false), sqltype.NewNVarChar("x"), nil))
	ref, err := e.c.CreateEnvironmentReference(e.ctx, nil, admin, s("folder1"), s("project1"), s("env"), s("R"), nil)
	must(e.t, err)
	return ref
}

func TestEnvironmentProcedureErrors(t *testing.T) {
	admin := func(e *env) *Caller { return e.as(lAdmin) }
	nobody := func(e *env) *Caller { return e.as(lNobody) }
	cases := []struct {
		name   string
		call   func(e *env, ref int64) error
		num    int32
		state  uint8
		text   string
		thrown bool
	}{
		{"property null", func(e *env, _ int64) error {
			return e.c.SetEnvironmentProperty(e.ctx, nil, admin(e), s("folder1"), nil, s("DESCRIPTION"), s("d"))
		}, 27138, 6, "The input parameter cannot be null. Provide a valid value for the parameter.", false},
		{"property sql login", func(e *env, _ int64) error {
			return e.c.SetEnvironmentProperty(e.ctx, nil, e.as(lSA), nil, nil, nil, nil)
		}, 27123, 7, "", false},
		{"property missing environment", func(e *env, _ int64) error {
			return e.c.SetEnvironmentProperty(e.ctx, nil, admin(e), s("folder1"), s("nope"), s("DESCRIPTION"), s("d"))
		}, 27182, 1, "The environment 'nope' does not exist or you have not been granted the appropriate permissions to access it.", true},
		{"property no modify", func(e *env, _ int64) error {
			return e.c.SetEnvironmentProperty(e.ctx, nil, nobody(e), s("folder1"), s("env"), s("DESCRIPTION"), s("d"))
		}, 27182, 1, "", true},
		{"property name", func(e *env, _ int64) error {
			return e.c.SetEnvironmentProperty(e.ctx, nil, admin(e), s("folder1"), s("env"), s("NAME"), s("d"))
		}, 27101, 1, "The value specified for the input parameter, 'DESCRIPTION', is not valid. Provide a valid value for this parameter.", true},
		{"reference type null id", func(e *env, _ int64) error {
			return e.c.SetEnvironmentReferenceType(e.ctx, nil, admin(e), nil, s("R"), nil)
		}, 27138, 6, "", false},
		{"reference type bad type", func(e *env, ref int64) error {
			return e.c.SetEnvironmentReferenceType(e.ctx, nil, admin(e), &ref, s("X"), nil)
		}, 27101, 10, "The value specified for the input parameter, 'reference_type', is not valid. Provide a valid value for this parameter.", false},
		{"reference type A without folder", func(e *env, ref int64) error {
			return e.c.SetEnvironmentReferenceType(e.ctx, nil, admin(e), &ref, s("A"), nil)
		}, 27101, 10, "The value specified for the input parameter, 'environment_folder_name', is not valid. Provide a valid value for this parameter.", false},
		{"reference type R with folder", func(e *env, ref int64) error {
			return e.c.SetEnvironmentReferenceType(e.ctx, nil, admin(e), &ref, s("R"), s("folder1"))
		}, 27101, 10, "", false},
		{"reference type missing", func(e *env, _ int64) error {
			return e.c.SetEnvironmentReferenceType(e.ctx, nil, admin(e), i64(99), s("R"), nil)
		}, 27114, 1, "Cannot find the reference '99' because it does not exist or you do not have sufficient permissions.", true},
		{"reference type no modify", func(e *env, ref int64) error {
			pid := projectID(e, "project1")
			must(e.t, e.c.GrantPermission(e.ctx, nil, admin(e), i16(ObjProject), &pid, i32(e.userID(lNobody)), i16(PermRead)))
			return e.c.SetEnvironmentReferenceType(e.ctx, nil, nobody(e), &ref, s("A"), s("folder1"))
		}, 27109, 1, "Cannot find the project '' because it does not exist or you do not have sufficient permissions.", true},
		{"reference type environment not in folder", func(e *env, ref int64) error {
			return e.c.SetEnvironmentReferenceType(e.ctx, nil, admin(e), &ref, s("A"), s("folder2"))
		}, 27182, 1, "The environment 'env' does not exist or you have not been granted the appropriate permissions to access it.", true},
		{"reference type unchanged", func(e *env, ref int64) error {
			return e.c.SetEnvironmentReferenceType(e.ctx, nil, admin(e), &ref, s("R"), nil)
		}, 27204, 1, "Failed to create environment reference. This project already has an reference to the specified environment.", true},
		{"move null", func(e *env, _ int64) error {
			return e.c.MoveEnvironment(e.ctx, nil, admin(e), s("folder1"), s("env"), nil)
		}, 27138, 6, "", false},
		{"move sql login", func(e *env, _ int64) error {
			return e.c.MoveEnvironment(e.ctx, nil, e.as(lSA), s("folder1"), s("env"), s("folder2"))
		}, 27123, 3, "", false},
		{"move missing environment", func(e *env, _ int64) error {
			return e.c.MoveEnvironment(e.ctx, nil, admin(e), s("folder2"), s("env"), s("folder1"))
		}, 27182, 1, "", true},
		{"move missing target", func(e *env, _ int64) error {
			return e.c.MoveEnvironment(e.ctx, nil, admin(e), s("folder1"), s("env"), s("nope"))
		}, 27115, 1, "Cannot find the target folder 'nope' because it does not exist or you do not have sufficient permissions.", true},
		{"move no create_objects on target", func(e *env, _ int64) error {
			eid := envID(e, "env")
			must(e.t, e.c.GrantPermission(e.ctx, nil, admin(e), i16(ObjEnvironment), &eid, i32(e.userID(lNobody)), i16(PermRead)))
			must(e.t, e.c.GrantPermission(e.ctx, nil, admin(e), i16(ObjEnvironment), &eid, i32(e.userID(lNobody)), i16(PermModify)))
			fid := folderID(e, "folder2")
			must(e.t, e.c.GrantPermission(e.ctx, nil, admin(e), i16(ObjFolder), &fid, i32(e.userID(lNobody)), i16(PermRead)))
			return e.c.MoveEnvironment(e.ctx, nil, nobody(e), s("folder1"), s("env"), s("folder2"))
		}, 27115, 1, "", true},
		{"move duplicate", func(e *env, _ int64) error {
			must(e.t, e.c.CreateEnvironment(e.ctx, nil, admin(e), s("folder2"), s("ENV"), nil))
			return e.c.MoveEnvironment(e.ctx, nil, admin(e), s("folder1"), s("env"), s("folder2"))
		}, 27157, 1, "The environment 'env' already exists or you have not been granted the appropriate permissions to create it.", true},
		{"variable property null", func(e *env, _ int64) error {
			return e.c.SetEnvironmentVariableProperty(e.ctx, nil, admin(e), s("folder1"), s("env"), nil, s("NAME"), s("w"))
		}, 27138, 6, "", false},
		{"variable property sql login", func(e *env, _ int64) error {
			return e.c.SetEnvironmentVariableProperty(e.ctx, nil, e.as(lSA), nil, nil, nil, nil, nil)
		}, 27123, 7, "", false},
		{"variable property missing variable", func(e *env, _ int64) error {
			return e.c.SetEnvironmentVariableProperty(e.ctx, nil, admin(e), s("folder1"), s("env"), s("w"), s("Color"), s("x"))
		}, 27183, 1, "", true},
		{"variable property bad new name", func(e *env, _ int64) error {
			return e.c.SetEnvironmentVariableProperty(e.ctx, nil, admin(e), s("folder1"), s("env"), s("v"), s("NAME"), s("a*b"))
		}, 27180, 1, "a*b is not a valid environment variable name. It consists of characters that are not allowed.", true},
		{"variable property duplicate name", func(e *env, _ int64) error {
			must(e.t, e.c.CreateEnvironmentVariable(e.ctx, nil, admin(e), s("folder1"), s("env"), s("w"), s("Int32"), b(false), sqltype.NewInt(1), nil))
			return e.c.SetEnvironmentVariableProperty(e.ctx, nil, admin(e), s("folder1"), s("env"), s("v"), s("name"), s("W"))
		}, 27173, 1, "The environment variable 'W' already exists.", true},
		{"variable property type", func(e *env, _ int64) error {
			return e.c.SetEnvironmentVariableProperty(e.ctx, nil, admin(e), s("folder1"), s("env"), s("v"), s("TYPE"), s("Int32"))
		}, 27101, 1, "", true},
		{"protection null", func(e *env, _ int64) error {
			return e.c.SetEnvironmentVariableProtection(e.ctx, nil, admin(e), s("folder1"), s("env"), s("v"), nil)
		}, 27138, 1, "", false},
		{"protection missing variable", func(e *env, _ int64) error {
			return e.c.SetEnvironmentVariableProtection(e.ctx, nil, admin(e), s("folder1"), s("env"), s("w"), b(true))
		}, 27183, 1, "The environment variable 'w' does not exist or you have not been granted the appropriate permissions to access it.", true},
		{"protection no modify", func(e *env, _ int64) error {
			return e.c.SetEnvironmentVariableProtection(e.ctx, nil, nobody(e), s("folder1"), s("env"), s("v"), b(true))
		}, 27182, 1, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, true)
			e.demo()
			ref := envSetup(e)
			err := c.call(e, ref)
			wantErr(t, err, c.num, c.state, c.text)
			st, ok := ReturnStatus(err)
			if ok == c.thrown || ok && st != 1 {
				t.Errorf("return status = %d, %v; thrown = %v", st, ok, c.thrown)
			}
		})
	}
}

func envID(e *env, name string) int64 {
	e.c.mu.RLock()
	defer e.c.mu.RUnlock()
	for _, en := range e.c.st.Environments {
		if en.Name == name {
			return en.ID
		}
	}
	e.t.Fatalf("no environment %s", name)
	return 0
}

func TestEnvironmentProcedures(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	ref := envSetup(e)
	admin := e.as(lAdmin)

	must(t, e.c.SetEnvironmentProperty(e.ctx, nil, admin, s("folder1"), s("env"), s("description"), s("second")))
	if r := e.query(admin, "catalog.environments"); r[0][3] != "second" {
		t.Fatalf("description %q", r[0][3])
	}

	// A variable renamed, and its description set to NULL.
	must(t, e.c.SetEnvironmentVariableProperty(e.ctx, nil, admin, s("folder1"), s("env"), s("v"), s("Name"), s("renamed")))
	must(t, e.c.SetEnvironmentVariableProperty(e.ctx, nil, admin, s("folder1"), s("env"), s("renamed"), s("Description"), nil))
	must(t, e.c.SetEnvironmentVariableProperty(e.ctx, nil, admin, s("folder1"), s("env"), s("renamed"), s("NAME"), s("v")))
	if r := e.query(admin, "catalog.environment_variables"); r[0][2] != "v" || r[0][3] != "NULL" {
		t.Fatalf("renamed variable %v", r[0])
	}

	must(t, e.c.SetEnvironmentVariableProtection(e.ctx, nil, admin, s("folder1"), s("env"), s("v"), b(true)))
	if r := e.query(admin, "catalog.environment_variables"); r[0][5] != "1" || r[0][6] != "NULL" {
		t.Fatalf("protected variable %v", r[0])
	}
	// Unprotected again, the value is back (the emulator keeps it in clear).
	must(t, e.c.SetEnvironmentVariableProtection(e.ctx, nil, admin, s("folder1"), s("env"), s("v"), b(false)))
	if r := e.query(admin, "catalog.environment_variables"); r[0][6] != "x" {
		t.Fatalf("unprotected variable %v", r[0])
	}

	// R -> A keeps the id and names the folder; a NULL type changes nothing.
	must(t, e.c.SetEnvironmentReferenceType(e.ctx, nil, admin, &ref, s("A"), s("folder1")))
	must(t, e.c.SetEnvironmentReferenceType(e.ctx, nil, admin, &ref, nil, nil))
	if r := e.query(admin, "catalog.environment_references"); len(r) != 1 || r[0][0] != itoa(ref) || r[0][2] != "A" || r[0][3] != "folder1" {
		t.Fatalf("reference %v", r)
	}

	// Inside a transaction that rolls back, the move is undone.
	tx := e.c.Begin()
	must(t, e.c.MoveEnvironment(e.ctx, tx, admin, s("folder1"), s("env"), s("folder2")))
	tx.Rollback()
	fid := folderID(e, "folder1")
	if r := e.query(admin, "catalog.environments"); r[0][2] != itoa(fid) {
		t.Fatalf("rolled-back move left folder_id %s", r[0][2])
	}
	must(t, e.c.MoveEnvironment(e.ctx, nil, admin, s("folder1"), s("env"), s("folder2")))
	if r := e.query(admin, "catalog.environments"); r[0][2] != itoa(folderID(e, "folder2")) {
		t.Fatalf("moved environment has folder_id %s", r[0][2])
	}
	// The absolute reference to folder1 no longer finds it: create_execution
	// with it fails as for a deleted environment.
	_, err := e.c.CreateExecution(e.ctx, nil, admin, CreateExecutionArgs{FolderName: s("folder1"), ProjectName: s("project1"),
		PackageName: s("package1.dtsx"), ReferenceID: &ref, Use32BitRuntime: b(false), RunInScaleOut: b(false)})
	wantErr(t, err, 27182, 1, "")
}
