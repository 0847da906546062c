package catalog

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/ispac"
)

// This file is the emulator's control surface (the engine binds it to the
// emulator.* procedures, see emulator.md). Its methods act as the catalog
// itself, with no caller and no permission checks, and are not
// transactional.

// Seed creates a folder if needed and deploys an .ispac into it under
// projectName ("" takes the name in the manifest). It returns the deploy
// operation's id, or 0 when the project's current version is this very
// .ispac (nothing is deployed then).
func (c *Catalog) Seed(ctx context.Context, folder, projectName string, ispacData []byte) (id int64, err error) {
	parsed, err := ispac.Read(ispacData, c.opts.Limits)
	if err == nil {
		err = checkDeployable(parsed)
	}
	if err != nil {
		return 0, fmt.Errorf("catalog: seed %s/%s: %w", folder, projectName, err)
	}
	if projectName == "" {
		projectName = parsed.Name
	}
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc := c.systemCtx()
	f := s.folderByName(folder)
	if f != nil {
		// The same .ispac again (a seed at every start with --data-dir)
		// is not a new version: executions created against the current
		// one stay startable.
		if p := s.projectByName(f.ID, projectName); p != nil && bytes.Equal(p.Stream, ispacData) {
			return 0, nil
		}
	}
	if f == nil {
		if !validName(folder) {
			return 0, errorf(27199, 1, folder)
		}
		f = &Folder{ID: s.NextFolderID, Name: folder, CreatedBySID: sc.callerSID(), CreatedByName: sc.callerName(), Created: c.now()}
		s.NextFolderID++
		s.Folders[f.ID] = f
		s.changes(nil).folder(f.ID)
	}
	op := c.newOperation(nil, sc, OpDeployProject, 20, nil, ptr(projectName), StatusRunning)
	op.Start = c.now()
	p := c.installProject(nil, sc, f, s.projectByName(f.ID, projectName), projectName, parsed, ispacData)
	op.ObjectID = ptr(p.ID)
	c.setStatus(nil, op, StatusSucceeded)
	return op.ID, nil
}

// systemCtx is the catalog acting for itself (dbo, as sa).
func (c *Catalog) systemCtx() *secCtx {
	s := c.st
	return &secCtx{caller: &Caller{Login: "sa", SID: []byte{1}}, login: s.Logins[saID], sysadmin: true,
		user: s.Databases[key(SSISDB)].Principals[dboID], ids: []int32{dboID, publicDBRole}, roles: map[string]bool{}}
}

// LoadDir deploys every project found in dir: each subdirectory is a
// folder; inside it, each .ispac is a project (named by its manifest) and
// each loose .dtsx becomes a one-package project named after the file.
// .ispac and .dtsx files directly in dir go to the folder defaultFolder.
// It returns the folder/project names it deployed, sorted.
func (c *Catalog) LoadDir(ctx context.Context, dir, defaultFolder string) ([]string, error) {
	var loaded []string
	load := func(folder, path string) error {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		name := ""
		if strings.EqualFold(filepath.Ext(path), ".dtsx") {
			base := filepath.Base(path)
			pk, err := ispac.ReadPackage(base, data, c.opts.Limits)
			if err != nil {
				return fmt.Errorf("catalog: %s: %w", path, err)
			}
			name = strings.TrimSuffix(base, filepath.Ext(base))
			data, err = ispac.Build(&ispac.Project{Name: name, Packages: []ispac.Package{*pk}})
			if err != nil {
				return err
			}
		}
		if _, err := c.Seed(ctx, folder, name, data); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if name == "" {
			p, _ := ispac.Read(data, c.opts.Limits)
			name = p.Name
		}
		loaded = append(loaded, folder+"/"+name)
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			sub, err := os.ReadDir(p)
			if err != nil {
				return nil, err
			}
			for _, f := range sub {
				if isProjectFile(f.Name()) && !f.IsDir() {
					if err := load(e.Name(), filepath.Join(p, f.Name())); err != nil {
						return loaded, err
					}
				}
			}
		} else if isProjectFile(e.Name()) {
			if err := load(defaultFolder, p); err != nil {
				return loaded, err
			}
		}
	}
	sort.Strings(loaded)
	return loaded, nil
}

func isProjectFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".ispac" || ext == ".dtsx"
}

// DefineLoggingLevel adds a customized logging level (the catalog's
// create_customized_logging_level, for the control surface).
func (c *Catalog) DefineLoggingLevel(ctx context.Context, name, description string, profile, events int64) {
	c.mu.Lock()
	defer c.release(nil)
	s := c.st
	sc := c.systemCtx()
	s.changes(nil).loggingLevels()
	s.LoggingLevels[key(name)] = &CustomizedLoggingLevel{ID: s.NextLevelID, Name: name, Description: description,
		ProfileValue: profile, EventsValue: events, CreatedBySID: sc.callerSID(), CreatedByName: sc.callerName(), Created: c.now()}
	s.NextLevelID++
}

// DemoCatalog deploys the product's demo catalog: folder1/project1 with
// package1.dtsx and folder2/project2 with package2.dtsx.
func (c *Catalog) DemoCatalog(ctx context.Context) error {
	for i := 1; i <= 2; i++ {
		p := DemoProject(fmt.Sprintf("project%d", i), fmt.Sprintf("package%d.dtsx", i))
		data, err := ispac.Build(p)
		if err != nil {
			return err
		}
		if _, err := c.Seed(ctx, fmt.Sprintf("folder%d", i), p.Name, data); err != nil {
			return err
		}
	}
	return nil
}

// DemoProject describes a small project with one entry-point package, a
// project parameter, a package parameter and a project connection manager;
// ispac.Build turns it into an .ispac.
func DemoProject(project, pkg string) *ispac.Project {
	return &ispac.Project{
		Name:               project,
		ConnectionManagers: []string{"Source.conmgr"},
		Params: []ispac.Param{
			{Name: "Environment", DataType: "String", Value: ispac.Str("dev")},
			{Name: "CM.Source.ConnectionString", DataType: "String", Value: ispac.Str("Data Source=.;Initial Catalog=tempdb;Integrated Security=SSPI;")},
		},
		Packages: []ispac.Package{{Name: pkg, EntryPoint: true, Params: []ispac.Param{
			{Name: "BatchSize", DataType: "Int32", Value: ispac.Str("1000")},
		}}},
	}
}
