package catalog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/rows"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// TestRoleMatrix runs the four Scale Out procedures and reads the views as
// each kind of caller, in default and in strict mode. Cells are the error
// number (0 for success) or, for views, the row count.
func TestRoleMatrix(t *testing.T) {
	callers := []string{lAdmin, lSA, lSSIS, lSQLAdmin, lExecutor, lReader, lObj, lNobody}
	type cell map[string]int32
	type row struct {
		name    string
		run     func(e *env, as string) int32
		normal  cell
		strict  cell // only the cells that differ from normal
		isCount bool
	}
	errNum := func(err error) int32 {
		if err == nil {
			return 0
		}
		if e, ok := sqlerr.As(err); ok {
			return e.Number
		}
		return -1
	}
	rowsOf := func(e *env, as, view string) int32 { return int32(len(e.query(e.as(as), view))) }
	matrix := []row{
		{name: "create_execution @runinscaleout=1", run: func(e *env, as string) int32 {
			_, err := e.create(e.as(as), true)
			return errNum(err)
		},
			normal: cell{lAdmin: 0, lSA: 0, lSSIS: 0, lSQLAdmin: 0, lExecutor: 0, lReader: 27146, lObj: 27178, lNobody: 27146},
			strict: cell{lSA: 27123, lSQLAdmin: 27123}},
		{name: "add_execution_worker", run: func(e *env, as string) int32 {
			id := e.scaleOutExecFor(as)
			w := e.workerID()
			return errNum(e.c.AddExecutionWorker(e.ctx, nil, e.as(as), &id, &w))
		},
			normal: cell{lAdmin: 0, lSA: 0, lSSIS: 0, lSQLAdmin: 0, lExecutor: 0, lReader: 27103, lObj: 0, lNobody: 27103},
			strict: cell{lSA: 27123, lSQLAdmin: 27123}},
		{name: "start_execution", run: func(e *env, as string) int32 {
			id := e.scaleOutExecFor(as)
			return errNum(e.c.StartExecution(e.ctx, nil, e.as(as), &id, nil))
		},
			normal: cell{lAdmin: 0, lSA: 0, lSSIS: 0, lSQLAdmin: 0, lExecutor: 0, lReader: 27103, lObj: 0, lNobody: 27103},
			strict: cell{lSA: 27123, lSQLAdmin: 27123}},
		{name: "enable_worker_agent", run: func(e *env, as string) int32 {
			w := e.workerID()
			return errNum(e.c.EnableWorkerAgent(e.ctx, e.as(as), &w))
		},
			normal: cell{lAdmin: 0, lSA: 0, lSSIS: 0, lSQLAdmin: 0, lExecutor: 229, lReader: 229, lObj: 229, lNobody: 229}},
		{name: "catalog.worker_agents rows", isCount: true, run: func(e *env, as string) int32 { return rowsOf(e, as, "catalog.worker_agents") },
			normal: cell{lAdmin: 1, lSA: 1, lSSIS: 1, lSQLAdmin: 1, lExecutor: 1, lReader: 0, lObj: 0, lNobody: 0}},
		{name: "catalog.executions rows", isCount: true, run: func(e *env, as string) int32 { return rowsOf(e, as, "catalog.executions") },
			normal: cell{lAdmin: 2, lSA: 2, lSSIS: 2, lSQLAdmin: 2, lExecutor: 1, lReader: 2, lObj: 0, lNobody: 0}},
		{name: "catalog.projects rows", isCount: true, run: func(e *env, as string) int32 { return rowsOf(e, as, "catalog.projects") },
			normal: cell{lAdmin: 1, lSA: 1, lSSIS: 1, lSQLAdmin: 1, lExecutor: 1, lReader: 1, lObj: 1, lNobody: 0}},
		{name: "catalog.folders rows", isCount: true, run: func(e *env, as string) int32 { return rowsOf(e, as, "catalog.folders") },
			normal: cell{lAdmin: 1, lSA: 1, lSSIS: 1, lSQLAdmin: 1, lExecutor: 1, lReader: 0, lObj: 1, lNobody: 0}},
		{name: "catalog.operations rows", isCount: true, run: func(e *env, as string) int32 { return rowsOf(e, as, "catalog.operations") },
			normal: cell{lAdmin: 3, lSA: 3, lSSIS: 3, lSQLAdmin: 3, lExecutor: 1, lReader: 3, lObj: 0, lNobody: 0}},
	}
	for _, strict := range []bool{false, true} {
		for _, r := range matrix {
			for _, as := range callers {
				t.Run(fmt.Sprintf("strict=%v/%s/%s", strict, r.name, as), func(t *testing.T) {
					e := newEnv(t, strict)
					e.matrixSetup()
					want := r.normal[as]
					if w, ok := r.strict[as]; strict && ok {
						want = w
					}
					if got := r.run(e, as); got != want {
						t.Errorf("got %d, want %d", got, want)
					}
				})
			}
		}
	}
}

// matrixSetup: the demo project; a worker; the executor and the object
// user with READ+EXECUTE on the project; one execution of each of admin
// and executor (the executor's own is the one it can see).
func (e *env) matrixSetup() {
	e.demo()
	admin := e.as(lAdmin)
	e.addWorker()
	pid := projectID(e, "project1")
	for _, l := range []string{lExecutor, lObj} {
		for _, p := range []int16{PermRead, PermExecute} {
			must(e.t, e.c.GrantPermission(e.ctx, nil, admin, i16(ObjProject), &pid, i32(e.userID(l)), i16(p)))
		}
	}
	_, err := e.c.SetObjectParameterValue(e.ctx, nil, admin, i16(20), s("folder1"), s("project1"), s("Required"), sqltype.NewInt(5), nil, nil)
	must(e.t, err)
	e.mustCreate(true)
	// The executor's own execution (created while strict mode is off for
	// it: the matrix is about the procedures under test).
	e.c.mu.Lock()
	strict := e.c.opts.Strict
	e.c.opts.Strict = false
	e.c.mu.Unlock()
	_, err = e.create(e.as(lExecutor), true)
	must(e.t, err)
	e.c.mu.Lock()
	e.c.opts.Strict = strict
	e.c.mu.Unlock()
}

// scaleOutExecFor returns a created Scale Out execution the caller owns
// when it can create one, else the admin's.
func (e *env) scaleOutExecFor(as string) int64 {
	e.c.mu.Lock()
	strict := e.c.opts.Strict
	e.c.opts.Strict = false
	e.c.mu.Unlock()
	defer func() {
		e.c.mu.Lock()
		e.c.opts.Strict = strict
		e.c.mu.Unlock()
	}()
	if as == lObj {
		// Not a Scale Out role member: its own execution runs locally, so
		// grant it MODIFY on the admin's instead.
		id := e.mustCreate(true)
		must(e.t, e.c.GrantPermission(e.ctx, nil, e.as(lAdmin), i16(ObjOperation), &id, i32(e.userID(lObj)), i16(PermRead)))
		must(e.t, e.c.GrantPermission(e.ctx, nil, e.as(lAdmin), i16(ObjOperation), &id, i32(e.userID(lObj)), i16(PermModify)))
		return id
	}
	if id, err := e.create(e.as(as), true); err == nil {
		return id
	}
	return e.mustCreate(true)
}

func (e *env) workerID() uuid.UUID {
	ws := e.c.master.Workers()
	return ws[0].ID
}

func TestStrictModeAcceptsWindowsLogins(t *testing.T) {
	e := newEnv(t, true)
	_, err := e.c.CreateFolder(e.ctx, nil, e.as(lSA), s("x"))
	wantErr(t, err, 27123, 1, "The operation cannot be started by an account that uses SQL Server Authentication. Start the operation with an account that uses Integrated Authentication.")
	if _, err := e.c.CreateFolder(e.ctx, nil, e.as(lAdmin), s("x")); err != nil {
		t.Fatal(err)
	}
	// 27123 comes before the role test, as in the real procedure.
	_, err = e.c.CreateFolder(e.ctx, nil, e.as(lSQLAdmin), nil)
	wantErr(t, err, 27123, 1, "")
	_, err = e.c.StopOperation(e.ctx, nil, e.as(lSA), i64(1))
	wantErr(t, err, 27123, 11, "")
}

func TestAuthenticate(t *testing.T) {
	e := newEnv(t, false)
	cases := []struct {
		login, pw string
		ok        bool
	}{
		{"sa", "Passw0rd!", true}, {"SA", "Passw0rd!", true}, {"sa", "passw0rd!", false},
		{lAdmin, "pw", true}, {`emu\ADMIN`, "pw", true}, {lSSIS, "", false}, // no password configured
		{"nosuch", "x", false}, {"sysadmin", "", false},
	}
	for _, c := range cases {
		if got := e.c.Authenticate(e.ctx, c.login, c.pw); got != c.ok {
			t.Errorf("Authenticate(%q, %q) = %v", c.login, c.pw, got)
		}
	}
	must(t, e.c.SetLoginPassword(lSSIS, "new"))
	if !e.c.Authenticate(e.ctx, lSSIS, "new") {
		t.Error("a Windows-style login with a configured password cannot log in")
	}
	off := true
	must(t, e.c.AlterLogin(e.ctx, nil, e.as(lAdmin), "sa", LoginChange{Disabled: &off}))
	if e.c.Authenticate(e.ctx, "sa", "Passw0rd!") {
		t.Error("a disabled login logged in")
	}
}

func TestSecurityStatements(t *testing.T) {
	type tc struct {
		name  string
		run   func(e *env) error
		num   int32
		state uint8
		text  string
	}
	admin := func(e *env) *Caller { return e.as(lAdmin) }
	cases := []tc{
		{"create login exists", func(e *env) error { return e.c.CreateLogin(e.ctx, nil, admin(e), "SA", "x", false) }, 15025, 2, "The server principal 'SA' already exists."},
		{"create login no permission", func(e *env) error { return e.c.CreateLogin(e.ctx, nil, e.as(lSSIS), "x", "x", false) }, 15247, 1, "User does not have permission to perform this action."},
		{"create windows login without domain", func(e *env) error { return e.c.CreateLogin(e.ctx, nil, admin(e), "bob", "", true) }, 15401, 1, "Windows NT user or group 'bob' not found. Check the name again."},
		{"drop login missing", func(e *env) error { return e.c.DropLogin(e.ctx, nil, admin(e), "ghost") }, 15151, 1, "Cannot drop the login 'ghost', because it does not exist or you do not have permission."},
		{"drop login self", func(e *env) error { return e.c.DropLogin(e.ctx, nil, admin(e), lAdmin) }, 15434, 1, `Could not drop login 'EMU\admin' as the user is currently logged in.`},
		{"alter login missing", func(e *env) error { return e.c.AlterLogin(e.ctx, nil, admin(e), "ghost", LoginChange{}) }, 15151, 1, "Cannot alter the login 'ghost', because it does not exist or you do not have permission."},
		{"create user exists", func(e *env) error { return e.c.CreateUser(e.ctx, nil, admin(e), SSISDB, lSSIS, lSSIS, false) }, 15023, 1, `User, group, or role 'EMU\ssisadmin' already exists in the current database.`},
		{"create user no login", func(e *env) error { return e.c.CreateUser(e.ctx, nil, admin(e), SSISDB, "u", "ghost", false) }, 15007, 1, "'ghost' is not a valid login or you do not have permission."},
		{"create user login mapped", func(e *env) error { return e.c.CreateUser(e.ctx, nil, admin(e), SSISDB, "other", lSSIS, false) }, 15063, 1, "The login already has an account under a different user name."},
		{"drop user missing", func(e *env) error { return e.c.DropUser(e.ctx, nil, admin(e), SSISDB, "ghost") }, 15151, 1, "Cannot drop the user 'ghost', because it does not exist or you do not have permission."},
		{"alter role missing role", func(e *env) error {
			return e.c.AddRoleMember(e.ctx, nil, admin(e), SSISDB, "ghost_role", lNobody, AlterRoleStatement)
		}, 15151, 1, "Cannot alter the role 'ghost_role', because it does not exist or you do not have permission."},
		{"alter role missing member", func(e *env) error {
			return e.c.AddRoleMember(e.ctx, nil, admin(e), SSISDB, "ssis_admin", "ghost", AlterRoleStatement)
		}, 15151, 1, "Cannot add the principal 'ghost', because it does not exist or you do not have permission."},
		{"sp_addrolemember missing role", func(e *env) error {
			return e.c.AddRoleMember(e.ctx, nil, admin(e), SSISDB, "ghost_role", lNobody, SPRoleProcedure)
		}, 15014, 1, "The role 'ghost_role' does not exist in the current database."},
		{"sp_addrolemember missing member", func(e *env) error {
			return e.c.AddRoleMember(e.ctx, nil, admin(e), SSISDB, "ssis_admin", "ghost", SPRoleProcedure)
		}, 15410, 1, "User or role 'ghost' does not exist in this database."},
		{"sp_addsrvrolemember not fixed", func(e *env) error {
			return e.c.AddServerRoleMember(e.ctx, nil, admin(e), "ssis_admin", lNobody, SPRoleProcedure)
		}, 15402, 1, "'ssis_admin' is not a fixed server role."},
		{"sp_addsrvrolemember no login", func(e *env) error {
			return e.c.AddServerRoleMember(e.ctx, nil, admin(e), "sysadmin", "ghost", SPRoleProcedure)
		}, 15007, 1, "'ghost' is not a valid login or you do not have permission."},
		{"alter server role not sysadmin", func(e *env) error {
			return e.c.AddServerRoleMember(e.ctx, nil, e.as(lSSIS), "sysadmin", lNobody, AlterRoleStatement)
		}, 15151, 1, "Cannot alter the server role 'sysadmin', because it does not exist or you do not have permission."},
		{"execute as unknown login", func(e *env) error { _, err := e.c.CallerFor("ghost"); return err }, 15406, 1, ""},
		{"execute as unknown user", func(e *env) error { _, err := e.c.CallerForUser(SSISDB, "ghost"); return err }, 15517, 1, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, false)
			wantErr(t, c.run(e), c.num, c.state, c.text)
		})
	}
}

func TestRoleMembershipTakesEffect(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	must(t, e.c.CreateLogin(e.ctx, nil, admin, `EMU\new`, "pw", true))
	must(t, e.c.CreateUser(e.ctx, nil, admin, SSISDB, "newuser", `EMU\new`, false))
	cl, err := e.c.CallerFor(`EMU\new`)
	must(t, err)
	if n := len(e.query(cl, "catalog.projects")); n != 0 {
		t.Fatalf("new user sees %d projects", n)
	}
	must(t, e.c.AddRoleMember(e.ctx, nil, admin, SSISDB, "ssis_admin", "newuser", AlterRoleStatement))
	if n := len(e.query(cl, "catalog.projects")); n != 1 {
		t.Fatalf("ssis_admin member sees %d projects", n)
	}
	if !e.c.IsMember(cl, "ssis_admin") || e.c.IsSysadmin(cl) {
		t.Fatal("IS_MEMBER/IS_SRVROLEMEMBER disagree")
	}
	must(t, e.c.DropRoleMember(e.ctx, nil, admin, SSISDB, "ssis_admin", "newuser", SPRoleProcedure))
	must(t, e.c.AddServerRoleMember(e.ctx, nil, admin, "sysadmin", `EMU\new`, SPRoleProcedure))
	if !e.c.IsSysadmin(cl) {
		t.Fatal("sp_addsrvrolemember did not make a sysadmin")
	}
	// EXECUTE AS USER carries no server role.
	asUser, err := e.c.CallerForUser(SSISDB, "newuser")
	must(t, err)
	if e.c.IsSysadmin(asUser) || len(e.query(asUser, "catalog.projects")) != 0 {
		t.Fatal("EXECUTE AS USER kept server-level rights")
	}
	// Dropping the user takes its catalog permissions with it.
	pid := projectID(e, "project1")
	must(t, e.c.DropServerRoleMember(e.ctx, nil, admin, "sysadmin", `EMU\new`, AlterRoleStatement))
	uid := e.userID(`EMU\new`)
	must(t, e.c.GrantPermission(e.ctx, nil, admin, i16(ObjProject), &pid, i32(uid), i16(PermRead)))
	if n := len(e.query(cl, "catalog.projects")); n != 1 {
		t.Fatalf("granted user sees %d projects", n)
	}
	must(t, e.c.DropUser(e.ctx, nil, admin, SSISDB, "newuser"))
	for _, r := range e.query(admin, "catalog.explicit_object_permissions") {
		if r[2] == itoa(int64(uid)) {
			t.Fatalf("permission of a dropped user remains: %v", r)
		}
	}
	if err := e.c.CanAccessDatabase(cl, SSISDB); err == nil {
		t.Fatal("a login without a user can enter SSISDB")
	}
}

func TestObjectPermissionsDenyAndInheritance(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	obj := e.as(lObj)
	fid, pid := folderID(e, "folder1"), projectID(e, "project1")
	uid := e.userID(lObj)
	must(t, e.c.GrantPermission(e.ctx, nil, admin, i16(ObjFolder), &fid, i32(uid), i16(PermReadObjects)))
	if n := len(e.query(obj, "catalog.projects")); n != 1 {
		t.Fatalf("READ_OBJECTS on the folder does not show its projects (%d)", n)
	}
	eff := e.query(obj, "catalog.effective_object_permissions")
	if len(eff) != 2 { // 101 on the folder, READ on the project
		t.Fatalf("effective permissions = %v", eff)
	}
	must(t, e.c.DenyPermission(e.ctx, nil, admin, i16(ObjProject), &pid, i32(uid), i16(PermRead)))
	if n := len(e.query(obj, "catalog.projects")); n != 0 {
		t.Fatalf("DENY READ does not hide the project (%d)", n)
	}
	must(t, e.c.RevokePermission(e.ctx, nil, admin, i16(ObjProject), &pid, i32(uid), i16(PermRead)))
	if n := len(e.query(obj, "catalog.projects")); n != 1 {
		t.Fatalf("REVOKE of the deny did not restore inherited READ (%d)", n)
	}
	// A role's grant reaches its members.
	must(t, e.c.GrantPermission(e.ctx, nil, admin, i16(ObjProject), &pid, i32(publicDBRole), i16(PermRead)))
	if n := len(e.query(e.as(lNobody), "catalog.projects")); n != 1 {
		t.Fatalf("a grant to public does not reach a user (%d)", n)
	}
	exp := e.query(admin, "catalog.explicit_object_permissions")
	found := false
	for _, r := range exp {
		if r[0] == "2" && r[2] == "0" && r[3] == "1" && r[4] == "0" {
			found = true
		}
	}
	if !found {
		t.Fatalf("explicit_object_permissions lacks the public grant: %v", exp)
	}
}

func TestInternalTablesNeedAdmin(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	src, _ := e.c.View(SSISDB, "internal", "operations", e.as(lNobody))
	err := src.Scan(context.Background(), func(rows.Row) bool { return true })
	wantErr(t, err, 229, 5, "The SELECT permission was denied on the object 'operations', database 'SSISDB', schema 'internal'.")
	if n := len(e.query(e.as(lSSIS), "internal.operations")); n != 1 {
		t.Fatalf("ssis_admin sees %d internal operations", n)
	}
}

func TestReadBulk(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "p.ispac"), []byte("ISPAC"), 0o600))
	must(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o700))
	must(t, os.WriteFile(filepath.Join(dir, "sub", "q.ispac"), []byte("Q"), 0o600))
	must(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("S"), 0o600))
	must(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "link")))
	e := newEnv(t, false)
	e.c.opts.BulkDirs = []string{dir}
	cases := []struct {
		as, path, want string
		num            int32
		code           string
	}{
		{lAdmin, "p.ispac", "ISPAC", 0, ""},
		{lAdmin, filepath.Join(dir, "sub", "q.ispac"), "Q", 0, ""},
		{lAdmin, `C:\deploy\p.ispac`, "ISPAC", 0, ""},
		{lAdmin, "sub/../p.ispac", "", 4861, "5(Access is denied.)"},
		{lAdmin, filepath.Join(outside, "secret"), "", 4861, "5(Access is denied.)"},
		{lAdmin, "link", "", 4861, "5(Access is denied.)"},
		{lAdmin, "missing.ispac", "", 4861, "2(The system cannot find the file specified.)"},
		{lSSIS, "p.ispac", "", 4834, ""},
	}
	for _, c := range cases {
		got, err := e.c.ReadBulk(e.ctx, e.as(c.as), c.path)
		if c.num == 0 {
			if err != nil || string(got) != c.want {
				t.Errorf("%s: %q, %v", c.path, got, err)
			}
			continue
		}
		text := "You do not have permission to use the bulk load statement."
		if c.num == 4861 {
			text = fmt.Sprintf("Cannot bulk load because the file \"%s\" could not be opened. Operating system error code %s.", c.path, c.code)
		}
		e2, ok := sqlerr.As(err)
		if !ok || e2.Number != c.num || e2.Message != text {
			t.Errorf("%s: got %v, want %d %q", c.path, err, c.num, text)
		}
	}
}

func TestLoadDirAndDemoCatalog(t *testing.T) {
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "etl"), 0o700))
	must(t, os.WriteFile(filepath.Join(dir, "etl", "p.ispac"), demoIspac(t), 0o600))
	dtsx := `<DTS:Executable xmlns:DTS="www.microsoft.com/SqlServer/Dts" DTS:DTSID="{11111111-2222-3333-4444-555555555555}"><DTS:PackageParameters><DTS:PackageParameter DTS:ObjectName="Day" DTS:DataType="16"><DTS:Property DTS:Name="ParameterValue">2017-10-01T00:00:00</DTS:Property></DTS:PackageParameter></DTS:PackageParameters></DTS:Executable>`
	must(t, os.WriteFile(filepath.Join(dir, "etl", "Loose.dtsx"), []byte(dtsx), 0o600))
	e := newEnv(t, false)
	got, err := e.c.LoadDir(e.ctx, dir, "default")
	must(t, err)
	if strings.Join(got, ",") != "etl/Loose,etl/project1" {
		t.Fatalf("loaded %v", got)
	}
	admin := e.as(lAdmin)
	ps := e.query(admin, "catalog.packages")
	if len(ps) != 3 {
		t.Fatalf("packages = %v", ps)
	}
	must(t, e.c.DemoCatalog(e.ctx))
	var names []string
	for _, f := range e.query(admin, "catalog.folders") {
		names = append(names, f[1])
	}
	if strings.Join(names, ",") != "etl,folder1,folder2" {
		t.Fatalf("folders = %v", names)
	}
	e.c.Reset(e.ctx)
	if len(e.query(admin, "catalog.folders")) != 0 {
		t.Fatal("Reset left folders")
	}
}

func TestDatabaseUserAndNilCaller(t *testing.T) {
	e := newEnv(t, false)
	admin := e.as(lAdmin)
	must(t, e.c.CreateLogin(e.ctx, nil, admin, "app", "pw", false))
	must(t, e.c.CreateUser(e.ctx, nil, admin, SSISDB, "app_user", "app", false))
	app, _ := e.c.CallerFor("app")
	cases := []struct {
		caller *Caller
		db     string
		want   string
		ok     bool
	}{
		{admin, SSISDB, "dbo", true}, {app, SSISDB, "app_user", true}, {app, "msdb", "", false},
		{app, "master", "guest", true}, {e.as(lOutsider), SSISDB, "", false}, {nil, SSISDB, "", false},
	}
	for _, c := range cases {
		if got, ok := e.c.DatabaseUser(c.caller, c.db); got != c.want || ok != c.ok {
			t.Errorf("DatabaseUser(%v, %s) = %q, %v", c.caller, c.db, got, ok)
		}
	}
	_, err := e.c.CreateFolder(e.ctx, nil, nil, s("x"))
	wantErr(t, err, 916, 1, "")
	if n := len(e.query(nil, "catalog.folders")); n != 0 {
		t.Fatalf("a nil caller sees %d folders", n)
	}
}

// TestCachedCallerSeesChanges: a caller's resolution is cached, and every
// change of membership (and its rollback) must reach it at once.
func TestCachedCallerSeesChanges(t *testing.T) {
	e := newEnv(t, false)
	e.demo()
	admin := e.as(lAdmin)
	nobody := e.as(lNobody)
	count := func() int { return len(e.query(nobody, "catalog.projects")) }
	if count() != 0 {
		t.Fatal("nobody sees a project")
	}
	tx := e.c.Begin()
	must(t, e.c.AddRoleMember(e.ctx, tx, admin, SSISDB, "ssis_admin", lNobody, AlterRoleStatement))
	if count() != 1 {
		t.Fatal("role membership inside the transaction not seen")
	}
	tx.Rollback()
	if count() != 0 {
		t.Fatal("rolled-back role membership still applies")
	}
	must(t, e.c.AddServerRoleMember(e.ctx, nil, admin, "sysadmin", lNobody, AlterRoleStatement))
	if count() != 1 || !e.c.IsSysadmin(nobody) {
		t.Fatal("new sysadmin not seen")
	}
	must(t, e.c.DropServerRoleMember(e.ctx, nil, admin, "sysadmin", lNobody, AlterRoleStatement))
	if count() != 0 {
		t.Fatal("dropped sysadmin still applies")
	}
	e.c.Reset(e.ctx)
	if e.c.IsSysadmin(nobody) {
		t.Fatal("Reset kept a cached resolution")
	}
}

// A login configured as disabled stays disabled after a reset, as the
// configuration applies again.
func TestConfiguredDisabledLoginStaysDisabled(t *testing.T) {
	c := New(Options{Logins: []LoginSpec{{Name: "off", Password: "Off!Pass123", Disabled: true}, {Name: "on", Password: "On!Pass123"}}})
	ctx := context.Background()
	for round := range 2 {
		if c.Authenticate(ctx, "off", "Off!Pass123") {
			t.Fatalf("round %d: a disabled login authenticated", round)
		}
		if !c.Authenticate(ctx, "on", "On!Pass123") {
			t.Fatalf("round %d: an enabled login did not authenticate", round)
		}
		c.Reset(ctx)
	}
}
