package catalog

import (
	"context"
	"slices"

	"github.com/google/uuid"
)

// DataTap is a row of catalog.execution_data_taps. The simulated runs
// write no tapped data: a tap is recorded and shown, nothing more.
type DataTap struct {
	ID          int64
	PackagePath *string    // add_data_tap's @task_package_path
	TaskGUID    *uuid.UUID // add_data_tap_by_guid's @dataflow_task_guid
	PathID      string
	FileName    string
	MaxRows     *int32
}

// AddDataTapArgs are add_data_tap's and add_data_tap_by_guid's arguments;
// exactly one of TaskPackagePath and TaskGUID is used.
type AddDataTapArgs struct {
	ExecutionID     *int64
	TaskPackagePath *string
	TaskGUID        *uuid.UUID
	PathIDString    *string
	DataFileName    *string
	MaxRows         *int32
}

// AddDataTap is catalog.add_data_tap and add_data_tap_by_guid; it returns
// @data_tap_id. The procedures' source is not public: the checks are the
// documented ones (MODIFY on the execution, a created execution, a valid
// row count) with the numbers the catalog uses for them elsewhere (27138,
// 27101, 27103) and 27212, which remove_data_tap raises for an execution
// that is not in the created state.
func (c *Catalog) AddDataTap(ctx context.Context, tx *Tx, caller *Caller, a AddDataTapArgs) (id int64, err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return 0, err
	}
	if a.ExecutionID == nil || a.TaskPackagePath == nil && a.TaskGUID == nil || a.PathIDString == nil || a.DataFileName == nil {
		return 0, errorf(27138, 1)
	}
	if a.MaxRows != nil && *a.MaxRows <= 0 {
		return 0, errorf(27101, 1, "max_rows")
	}
	op, err := s.editableExecution(sc, *a.ExecutionID)
	if err != nil {
		return 0, err
	}
	if op.Status != StatusCreated {
		return 0, errorf(27212, 1)
	}
	ex := op.Exec
	tap := &DataTap{ID: nextID(&s.NextDataTapID), PackagePath: a.TaskPackagePath, TaskGUID: a.TaskGUID,
		PathID: *a.PathIDString, FileName: *a.DataFileName, MaxRows: a.MaxRows}
	old := ex.DataTaps
	ex.DataTaps = append(slices.Clip(old), tap)
	tx.record(func() { ex.DataTaps = old })
	s.changes(tx).operation(op.ID)
	return tap.ID, nil
}

// RemoveDataTap is catalog.remove_data_tap, in the 2017 procedure's
// order: the tap as the caller sees it in catalog.execution_data_taps
// (27215), MODIFY on its execution (27143, state 5), a created execution
// (27212). Each is RAISERROR ... RETURN 1.
func (c *Catalog) RemoveDataTap(ctx context.Context, tx *Tx, caller *Caller, dataTapID *int64) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	var op *Operation
	var tap *DataTap
	if dataTapID != nil {
		op, tap = s.findDataTap(*dataTapID)
	}
	if tap == nil || !s.check(sc, ObjOperation, op.ID, PermRead) {
		id := int64(0)
		if dataTapID != nil {
			id = *dataTapID
		}
		return errorf(27215, 1, id)
	}
	if !s.check(sc, ObjOperation, op.ID, PermModify) {
		return errorf(27143, 5, op.ID)
	}
	if op.Status != StatusCreated {
		return errorf(27212, 1)
	}
	ex := op.Exec
	old := ex.DataTaps
	ex.DataTaps = slices.DeleteFunc(slices.Clone(old), func(t *DataTap) bool { return t == tap })
	tx.record(func() { ex.DataTaps = old })
	s.changes(tx).operation(op.ID)
	return nil
}

// findDataTap finds a tap by id. Taps exist only on created executions
// and are few, so the walk is over the executions that have any.
func (s *State) findDataTap(id int64) (*Operation, *DataTap) {
	for _, op := range s.Operations {
		if op.Exec == nil {
			continue
		}
		for _, t := range op.Exec.DataTaps {
			if t.ID == id {
				return op, t
			}
		}
	}
	return nil, nil
}

// Columns of catalog.execution_data_taps, execution_component_phases and
// execution_data_statistics as the SSISDB schema declares them.
var (
	colsDataTaps = cols("data_tap_id bigint!", "execution_id bigint!", "package_path nvarchar(max)",
		"dataflow_path_id_string nvarchar(4000)", "dataflow_task_guid uniqueidentifier", "max_rows int", "filename nvarchar(4000)")
	colsComponentPhases = cols("phase_stats_id bigint!", "execution_id bigint!", "package_name nvarchar(260)!",
		"task_name nvarchar(4000)!", "subcomponent_name nvarchar(4000)", "phase sysname!", "start_time datetimeoffset(7)",
		"end_time datetimeoffset(7)", "execution_path nvarchar(max)")
	colsDataStatistics = cols("data_stats_id bigint!", "execution_id bigint!", "package_name nvarchar(260)!",
		"task_name nvarchar(4000)", "dataflow_path_id_string nvarchar(4000)", "dataflow_path_name nvarchar(4000)",
		"source_component_name nvarchar(4000)", "destination_component_name nvarchar(4000)", "rows_sent bigint",
		"created_time datetimeoffset(7)", "execution_path nvarchar(max)")
)

func dataTapRows(x *scan, op *Operation) bool {
	w := &x.w
	return afterID(x, op.Exec.DataTaps, func(t *DataTap) int64 { return t.ID }, func(t *DataTap) {
		w.int(t.ID)
		w.int(op.ID)
		w.strp(t.PackagePath)
		w.str(t.PathID)
		w.guid(t.TaskGUID)
		w.int32p(t.MaxRows)
		w.str(t.FileName)
	})
}

// noRows is the producer of the views the simulated runs have no rows
// for: the data flow's component phases and path statistics, which a real
// run logs at the Performance and Verbose levels.
func noRows(*scan) bool { return true }

func init() {
	catalogViews["catalog.execution_data_taps"] = opsView(colsDataTaps, readableExec, dataTapRows, 1)
	// The catalog view selects every column of the table.
	catalogViews["internal.execution_data_taps"] = withDeny(opsView(colsDataTaps, anyExec, dataTapRows, 1), "execution_data_taps")
	catalogViews["catalog.execution_component_phases"] = &viewDef{cols: colsComponentPhases, scan: noRows}
	catalogViews["catalog.execution_data_statistics"] = &viewDef{cols: colsDataStatistics, scan: noRows}
}
