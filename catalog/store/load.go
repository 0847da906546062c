package store

import (
	"cmp"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
)

// Load reads the saved state: the catalog's (for catalog.LoadState) and
// the master's (for scaleout.Master.Restore). Call it once, after Open and
// before the store is the catalog's journal.
func (s *Store) Load() (*catalog.State, scaleout.State, error) {
	var ms scaleout.State
	if s.empty {
		return nil, ms, fmt.Errorf("data directory %s holds no catalog yet", s.dir)
	}
	l := loader{db: s.db}
	clear(s.kept)
	st := &catalog.State{
		Folders:           map[int64]*catalog.Folder{},
		Projects:          map[int64]*catalog.Project{},
		Environments:      map[int64]*catalog.Environment{},
		References:        map[int64]*catalog.EnvironmentReference{},
		Operations:        map[int64]*catalog.Operation{},
		Permissions:       map[catalog.PermKey][]catalog.Grant{},
		CatalogProperties: map[string]string{},
		MasterProperties:  map[string]string{},
		LoggingLevels:     map[string]*catalog.CustomizedLoggingLevel{},
		Logins:            map[int32]*catalog.Login{},
		ServerRoleMembers: map[int32]map[int32]bool{},
		Databases:         map[string]*catalog.Database{},
	}
	var seq sequences
	l.setting("sequences", &seq)
	seq.apply(st)
	l.setting("catalog_properties", &st.CatalogProperties)
	l.setting("master_properties", &st.MasterProperties)
	l.setting("logging_levels", &st.LoggingLevels)
	var pr principals
	l.setting("principals", &pr)
	if pr.Logins != nil {
		st.Logins, st.ServerRoleMembers, st.Databases = pr.Logins, pr.ServerRoleMembers, pr.Databases
	}
	l.rows("SELECT id, data FROM folders", func(id int64, data []byte) error {
		var f catalog.Folder
		if err := json.Unmarshal(data, &f); err != nil {
			return err
		}
		st.Folders[id] = &f
		return nil
	})
	l.rows("SELECT id, data FROM projects", func(id int64, data []byte) error {
		p, err := decodeProject(data)
		if err == nil {
			st.Projects[id] = p
		}
		return err
	})
	l.rows("SELECT project_id, stream FROM project_streams", func(id int64, data []byte) error {
		if p := st.Projects[id]; p != nil {
			p.Stream = data
		}
		return nil
	})
	// A row without its version (an older build dropped the version) is
	// remembered too, so that the project's next write deletes it.
	l.rows2("SELECT project_id, lsn, stream FROM project_version_streams", func(id, lsn int64, data []byte) error {
		p := st.Projects[id]
		if p == nil {
			return nil
		}
		s.kept[id] = append(s.kept[id], lsn)
		for _, v := range p.Versions {
			if v.LSN == lsn {
				v.Stream = data
			}
		}
		return nil
	})
	l.rows("SELECT id, data FROM environments", func(id int64, data []byte) error {
		e, err := decodeEnvironment(data)
		if err == nil {
			st.Environments[id] = e
		}
		return err
	})
	l.rows("SELECT id, data FROM env_references", func(id int64, data []byte) error {
		var r catalog.EnvironmentReference
		if err := json.Unmarshal(data, &r); err != nil {
			return err
		}
		st.References[id] = &r
		return nil
	})
	l.rows("SELECT id, data FROM operations", func(id int64, data []byte) error {
		op, err := decodeOperation(data)
		if err == nil {
			st.Operations[id] = op
		}
		return err
	})
	// In key order, so each operation's messages arrive in sequence.
	l.rows2("SELECT operation_id, seq, data FROM messages ORDER BY operation_id, seq", func(opID, _ int64, data []byte) error {
		op := st.Operations[opID]
		if op == nil {
			return nil // an operation a crash left half-deleted
		}
		var m catalog.OperationMessage
		if err := json.Unmarshal(data, &m); err != nil {
			return err
		}
		op.Messages = append(op.Messages, &m)
		return nil
	})
	l.rows2("SELECT object_type, object_id, data FROM permissions", func(ot, id int64, data []byte) error {
		var g []catalog.Grant
		if err := json.Unmarshal(data, &g); err != nil {
			return err
		}
		st.Permissions[catalog.PermKey{ObjectType: int16(ot), ObjectID: id}] = g
		return nil
	})
	l.text("SELECT id, data FROM workers", func(_ string, data []byte) error {
		var w scaleout.Worker
		if err := json.Unmarshal(data, &w); err != nil {
			return err
		}
		ms.Workers = append(ms.Workers, w)
		return nil
	})
	l.rows("SELECT execution_id, data FROM jobs", func(_ int64, data []byte) error {
		var r jobRec
		if err := json.Unmarshal(data, &r); err != nil {
			return err
		}
		ms.Jobs = append(ms.Jobs, r.Job)
		if r.Task != nil {
			ms.Tasks = append(ms.Tasks, *r.Task)
		}
		return nil
	})
	if l.err != nil {
		return nil, ms, fmt.Errorf("data directory %s: %s: %w", s.dir, DBFile, l.err)
	}
	for id, p := range st.Projects {
		s.streams[id] = p.LSN
		// The current version's bytes are the project's: without them a
		// restore of another version would lose this one.
		for _, v := range p.Versions {
			if v.Stream == nil && v.LSN == p.LSN {
				v.Stream = p.Stream
			}
		}
	}
	// Restore numbers jobs in the order given: keep creation order.
	slices.SortStableFunc(ms.Jobs, func(a, b scaleout.Job) int {
		return cmp.Or(a.CreatedTime.Compare(b.CreatedTime), cmp.Compare(a.ExecutionID, b.ExecutionID))
	})
	slices.SortFunc(ms.Workers, func(a, b scaleout.Worker) int { return cmp.Compare(a.ID.String(), b.ID.String()) })
	return st, ms, nil
}

// loader runs queries until the first error, which it keeps.
type loader struct {
	db  *sql.DB
	err error
}

func (l *loader) setting(name string, into any) {
	if l.err != nil {
		return
	}
	var data []byte
	err := l.db.QueryRow("SELECT data FROM settings WHERE name = ?", name).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return
	}
	if err == nil {
		err = json.Unmarshal(data, into)
	}
	if err != nil {
		l.err = fmt.Errorf("settings %s: %w", name, err)
	}
}

func (l *loader) query(q string, scan func(*sql.Rows) error) {
	if l.err != nil {
		return
	}
	rows, err := l.db.Query(q)
	if err != nil {
		l.err = err
		return
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			l.err = err
			return
		}
	}
	l.err = rows.Err()
}

func (l *loader) rows(q string, f func(id int64, data []byte) error) {
	l.query(q, func(r *sql.Rows) error {
		var id int64
		var data []byte
		if err := r.Scan(&id, &data); err != nil {
			return err
		}
		if err := f(id, data); err != nil {
			return fmt.Errorf("%s: row %d: %w", q, id, err)
		}
		return nil
	})
}

func (l *loader) rows2(q string, f func(k1, k2 int64, data []byte) error) {
	l.query(q, func(r *sql.Rows) error {
		var k1, k2 int64
		var data []byte
		if err := r.Scan(&k1, &k2, &data); err != nil {
			return err
		}
		if err := f(k1, k2, data); err != nil {
			return fmt.Errorf("%s: row (%d, %d): %w", q, k1, k2, err)
		}
		return nil
	})
}

func (l *loader) text(q string, f func(key string, data []byte) error) {
	l.query(q, func(r *sql.Rows) error {
		var k string
		var data []byte
		if err := r.Scan(&k, &data); err != nil {
			return err
		}
		if err := f(k, data); err != nil {
			return fmt.Errorf("%s: row %s: %w", q, k, err)
		}
		return nil
	})
}
