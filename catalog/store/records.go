package store

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"time"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/scaleout"
	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqltype"
)

// Rows hold JSON. The catalog's structs are encoded as they are, except
// where they hold a sqltype.Value (whose fields are unexported): those
// fields are shadowed by a field of the same name in a record type that
// embeds the struct, which encoding/json prefers to the embedded one.

// value is a sqltype.Value on disk, built from its exported accessors.
type value struct {
	Type sqltype.Type `json:"t"`
	Null bool         `json:"z,omitempty"`
	N    int64        `json:"n,omitempty"`
	F    uint64       `json:"f,omitempty"` // float bits: JSON has no NaN
	S    string       `json:"s,omitempty"`
	B    []byte       `json:"b,omitempty"`
	T    *time.Time   `json:"tm,omitempty"`
	D    string       `json:"d,omitempty"` // decimal's unscaled integer
}

func fromValue(v sqltype.Value) value {
	t := v.Type()
	if v.IsNull() {
		return value{Type: t, Null: true}
	}
	out := value{Type: t}
	switch k := t.Kind; {
	case k.IsInteger(), k == sqltype.Money, k == sqltype.SmallMoney:
		out.N = v.Int64()
	case k == sqltype.Real, k == sqltype.Float:
		out.F = math.Float64bits(v.Float64())
	case k.IsString(), k == sqltype.XML:
		out.S = v.Str()
	case k.IsBinary(), k == sqltype.UniqueIdentifier:
		out.B = v.Bytes()
	case k.IsDateTime():
		tm := v.Time()
		out.T = &tm
	case k == sqltype.Decimal, k == sqltype.Numeric:
		out.D = v.Unscaled().String()
	}
	return out
}

func (r value) value() (sqltype.Value, error) {
	t := r.Type
	if r.Null || t.Kind == sqltype.Unknown {
		if t.Kind == sqltype.Unknown {
			return sqltype.Value{}, nil
		}
		return sqltype.Null(t), nil
	}
	switch k := t.Kind; {
	case k.IsInteger(), k == sqltype.Money, k == sqltype.SmallMoney:
		return sqltype.NewIntOf(k, r.N).WithType(t), nil
	case k == sqltype.Real, k == sqltype.Float:
		return sqltype.NewFloat(math.Float64frombits(r.F)).WithType(t), nil
	case k.IsString(), k == sqltype.XML:
		return sqltype.NewString(t, r.S), nil
	case k.IsBinary(), k == sqltype.UniqueIdentifier:
		return sqltype.NewBytes(t, r.B), nil
	case k.IsDateTime():
		if r.T == nil {
			return sqltype.Value{}, fmt.Errorf("%s value without a time", t)
		}
		return sqltype.NewTime(t, *r.T), nil
	case k == sqltype.Decimal, k == sqltype.Numeric:
		d, ok := new(big.Int).SetString(r.D, 10)
		if !ok {
			return sqltype.Value{}, fmt.Errorf("%s value %q is not an integer", t, r.D)
		}
		return sqltype.NewDecimal(d, t.Precision, t.Scale).WithType(t), nil
	}
	return sqltype.Value{}, fmt.Errorf("cannot load a value of type %s", t)
}

type paramRec struct {
	catalog.ObjectParameter
	DesignDefault value
	Default       value
}

type projectRec struct {
	catalog.Project
	Params []paramRec
}

type variableRec struct {
	catalog.EnvironmentVariable
	Value value
}

type environmentRec struct {
	catalog.Environment
	Variables []variableRec
}

type execParamRec struct {
	catalog.ExecParam
	Value value
}

type contextRec struct {
	catalog.EventContext
	PropertyValue value
}

type executionRec struct {
	catalog.Execution
	Params   []execParamRec
	Contexts []contextRec
}

type operationRec struct {
	catalog.Operation
	Exec *executionRec
}

// sequences are the State's counters, written with every change. The
// embedded struct's fields encode at the top level of the JSON object, as
// they did when this record listed them one by one.
type sequences struct {
	catalog.Sequences
	PrincipalGen uint64
}

func sequencesOf(s *catalog.State) sequences {
	return sequences{Sequences: s.Sequences, PrincipalGen: s.PrincipalGen}
}

func (q sequences) apply(s *catalog.State) {
	s.Sequences, s.PrincipalGen = q.Sequences, q.PrincipalGen
}

// principals are the logins, server role members and databases (with
// their users, roles and role members): small, written as one row.
type principals struct {
	Logins            map[int32]*catalog.Login
	ServerRoleMembers map[int32]map[int32]bool
	Databases         map[string]*catalog.Database
}

// jobRec is an execution's Scale Out job with its task (nil before
// start_execution).
type jobRec struct {
	Job  scaleout.Job
	Task *scaleout.Task
}

// cloneEach copies the structs a slice points to.
func cloneEach[T any](s []*T) []*T {
	if s == nil {
		return nil
	}
	out := make([]*T, len(s))
	for i, p := range s {
		v := *p
		out[i] = &v
	}
	return out
}

// cloneProject copies what later calls change in place: the project and
// its parameters. Packages and the stream are replaced, never changed.
func cloneProject(p *catalog.Project) *catalog.Project {
	c := *p
	c.Params = cloneEach(p.Params)
	c.Packages = slices.Clone(p.Packages)
	return &c
}

// cloneOperation copies an operation and its execution part, without the
// messages (stored on their own).
func cloneOperation(op *catalog.Operation) *catalog.Operation {
	c := *op
	c.Messages = nil
	if op.Exec != nil {
		ex := *op.Exec
		ex.Params = cloneEach(ex.Params)
		ex.Overrides = cloneEach(ex.Overrides)
		ex.Workers = slices.Clone(ex.Workers)
		ex.Contexts = cloneEach(ex.Contexts)
		ex.Executables = cloneEach(ex.Executables)
		ex.Statistics = cloneEach(ex.Statistics)
		c.Exec = &ex
	}
	return &c
}

func encodeProject(p *catalog.Project) ([]byte, error) {
	r := projectRec{Project: *p}
	r.Stream = nil // stored in project_streams, once per version
	if len(p.Versions) > 0 {
		// The versions' .ispac are in project_version_streams, written
		// once; the record holds their metadata only.
		r.Project.Versions = make([]*catalog.ProjectVersion, len(p.Versions))
		for i, v := range p.Versions {
			c := *v
			c.Stream = nil
			r.Project.Versions[i] = &c
		}
	}
	r.Project.Params = nil
	r.Params = make([]paramRec, len(p.Params))
	for i, q := range p.Params {
		r.Params[i] = paramRec{ObjectParameter: *q, DesignDefault: fromValue(q.DesignDefault), Default: fromValue(q.Default)}
	}
	return json.Marshal(&r)
}

func decodeProject(data []byte) (*catalog.Project, error) {
	var r projectRec
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	p := r.Project
	p.Params = make([]*catalog.ObjectParameter, len(r.Params))
	for i := range r.Params {
		q := r.Params[i].ObjectParameter
		var err error
		if q.DesignDefault, err = r.Params[i].DesignDefault.value(); err != nil {
			return nil, fmt.Errorf("parameter %s: %w", q.Name, err)
		}
		if q.Default, err = r.Params[i].Default.value(); err != nil {
			return nil, fmt.Errorf("parameter %s: %w", q.Name, err)
		}
		p.Params[i] = &q
	}
	return &p, nil
}

func encodeEnvironment(e *catalog.Environment) ([]byte, error) {
	r := environmentRec{Environment: *e}
	r.Environment.Variables = nil
	r.Variables = make([]variableRec, len(e.Variables))
	for i, v := range e.Variables {
		r.Variables[i] = variableRec{EnvironmentVariable: *v, Value: fromValue(v.Value)}
	}
	return json.Marshal(&r)
}

func decodeEnvironment(data []byte) (*catalog.Environment, error) {
	var r environmentRec
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	e := r.Environment
	e.Variables = make([]*catalog.EnvironmentVariable, len(r.Variables))
	for i := range r.Variables {
		v := r.Variables[i].EnvironmentVariable
		var err error
		if v.Value, err = r.Variables[i].Value.value(); err != nil {
			return nil, fmt.Errorf("variable %s: %w", v.Name, err)
		}
		e.Variables[i] = &v
	}
	return &e, nil
}

// encodeOperation encodes an operation without its messages (they have
// their own table).
func encodeOperation(op *catalog.Operation) ([]byte, error) {
	r := operationRec{Operation: *op}
	r.Operation.Messages = nil
	r.Operation.Exec = nil
	if ex := op.Exec; ex != nil {
		er := &executionRec{Execution: *ex}
		er.Execution.Params, er.Execution.Contexts = nil, nil
		er.Params = make([]execParamRec, len(ex.Params))
		for i, p := range ex.Params {
			er.Params[i] = execParamRec{ExecParam: *p, Value: fromValue(p.Value)}
		}
		if len(ex.Contexts) > 0 {
			er.Contexts = make([]contextRec, len(ex.Contexts))
			for i, c := range ex.Contexts {
				er.Contexts[i] = contextRec{EventContext: *c, PropertyValue: fromValue(c.PropertyValue)}
			}
		}
		r.Exec = er
	}
	return json.Marshal(&r)
}

func decodeOperation(data []byte) (*catalog.Operation, error) {
	var r operationRec
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	op := r.Operation
	if er := r.Exec; er != nil {
		ex := er.Execution
		ex.Params = make([]*catalog.ExecParam, len(er.Params))
		for i := range er.Params {
			p := er.Params[i].ExecParam
			var err error
			if p.Value, err = er.Params[i].Value.value(); err != nil {
				return nil, fmt.Errorf("execution parameter %s: %w", p.Name, err)
			}
			ex.Params[i] = &p
		}
		for i := range er.Contexts {
			c := er.Contexts[i].EventContext
			var err error
			if c.PropertyValue, err = er.Contexts[i].PropertyValue.value(); err != nil {
				return nil, fmt.Errorf("event context %d: %w", c.ID, err)
			}
			ex.Contexts = append(ex.Contexts, &c)
		}
		op.Exec = &ex
	}
	return &op, nil
}
