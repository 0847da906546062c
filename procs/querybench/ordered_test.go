package querybench

import (
	"context"
	"reflect"
	"testing"
)

// TestOrderedScansGiveTheSortedResult: queries ordered by a key the view
// walks in order (no sort) return what the same query sorting on a
// computed key (key + 0, which no view walks in order) returns: rows, ties
// and their order, WITH TIES, OFFSET/FETCH, PERCENT, over scans of several
// chunks. loaded gives execution i status statuses[i%10] and 3 messages.
func TestOrderedScansGiveTheSortedResult(t *testing.T) {
	_, s := loaded(&testing.B{}, 300, 3)
	cases := []struct{ name, ordered, sorted string }{
		{"top 1 newest",
			"SELECT TOP 1 execution_id, status, end_time FROM SSISDB.catalog.executions ORDER BY execution_id DESC",
			"SELECT TOP 1 execution_id, status, end_time FROM SSISDB.catalog.executions ORDER BY execution_id + 0 DESC"},
		{"top 50 oldest with a filter",
			"SELECT TOP 50 execution_id, package_name FROM SSISDB.catalog.executions WHERE status = 7 ORDER BY execution_id",
			"SELECT TOP 50 execution_id, package_name FROM SSISDB.catalog.executions WHERE status = 7 ORDER BY execution_id + 0"},
		{"key not selected",
			"SELECT status FROM SSISDB.catalog.executions ORDER BY execution_id DESC",
			"SELECT status FROM SSISDB.catalog.executions ORDER BY execution_id + 0 DESC"},
		{"ordinal",
			"SELECT TOP 7 execution_id, status FROM SSISDB.catalog.executions ORDER BY 1 DESC",
			"SELECT TOP 7 execution_id + 0, status FROM SSISDB.catalog.executions ORDER BY 1 DESC"},
		{"alias and table alias",
			"SELECT TOP 3 e.execution_id AS id FROM SSISDB.catalog.executions e ORDER BY id DESC",
			"SELECT TOP 3 e.execution_id AS id FROM SSISDB.catalog.executions e ORDER BY e.execution_id + 0 DESC"},
		{"offset fetch",
			"SELECT execution_id FROM SSISDB.catalog.executions ORDER BY execution_id DESC OFFSET 130 ROWS FETCH NEXT 5 ROWS ONLY",
			"SELECT execution_id FROM SSISDB.catalog.executions ORDER BY execution_id + 0 DESC OFFSET 130 ROWS FETCH NEXT 5 ROWS ONLY"},
		{"with ties over messages",
			"SELECT TOP 5 WITH TIES operation_id, event_message_id, thread_id = threadID FROM SSISDB.catalog.event_messages ORDER BY operation_id DESC",
			"SELECT TOP 5 WITH TIES operation_id, event_message_id, thread_id = threadID FROM SSISDB.catalog.event_messages ORDER BY operation_id + 0 DESC"},
		{"ties keep their order ascending",
			"SELECT TOP 400 operation_id, event_message_id FROM SSISDB.catalog.event_messages ORDER BY operation_id",
			"SELECT TOP 400 operation_id, event_message_id FROM SSISDB.catalog.event_messages ORDER BY operation_id + 0"},
		{"percent",
			"SELECT TOP 10 PERCENT execution_id FROM SSISDB.catalog.executions ORDER BY execution_id DESC",
			"SELECT TOP 10 PERCENT execution_id FROM SSISDB.catalog.executions ORDER BY execution_id + 0 DESC"},
		{"operations views",
			"SELECT TOP 4 operation_id FROM SSISDB.catalog.operations ORDER BY operation_id DESC; SELECT TOP 4 operation_id, operation_guid FROM SSISDB.internal.operations ORDER BY operation_id DESC",
			"SELECT TOP 4 operation_id FROM SSISDB.catalog.operations ORDER BY operation_id + 0 DESC; SELECT TOP 4 operation_id, operation_guid FROM SSISDB.internal.operations ORDER BY operation_id + 0 DESC"},
		{"assignment",
			"DECLARE @x bigint; SELECT TOP 1 @x = execution_id FROM SSISDB.catalog.executions ORDER BY execution_id DESC; SELECT @x",
			"DECLARE @x bigint; SELECT TOP 1 @x = execution_id FROM SSISDB.catalog.executions ORDER BY execution_id + 0 DESC; SELECT @x"},
		{"residual where with a subquery",
			"SELECT TOP 2 execution_id FROM SSISDB.catalog.executions WHERE execution_id < (SELECT 250) ORDER BY execution_id DESC",
			"SELECT TOP 2 execution_id FROM SSISDB.catalog.executions WHERE execution_id < (SELECT 250) ORDER BY execution_id + 0 DESC"},
		{"seek with order",
			"SELECT execution_id FROM SSISDB.catalog.executions WHERE execution_id = 5 ORDER BY execution_id DESC",
			"SELECT execution_id FROM SSISDB.catalog.executions WHERE execution_id + 0 = 5 ORDER BY execution_id + 0 DESC"},
	}
	run := func(t *testing.T, sql string) [][][]string {
		c := &collector{t: t}
		if err := s.Batch(context.Background(), sql, c); err != nil {
			t.Fatal(err)
		}
		return c.sets
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, want := run(t, tc.ordered), run(t, tc.sorted)
			if len(want) == 0 || len(want[len(want)-1]) == 0 {
				t.Fatalf("the sorted query returned nothing: %v", want)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("ordered walk:\n%v\nsort:\n%v", got, want)
			}
		})
	}
}

// TestKeyListsGiveTheScannedResult: IN lists and ORs of equalities on a
// view's key (a seek of each value) return the rows the same test on a
// computed key (a scan) returns.
func TestKeyListsGiveTheScannedResult(t *testing.T) {
	_, s := loaded(&testing.B{}, 300, 3)
	cases := []struct{ name, seek, scan string }{
		{"in",
			"SELECT execution_id, status FROM SSISDB.catalog.executions WHERE execution_id IN (250, 5, 5, 9999, NULL) ORDER BY 1",
			"SELECT execution_id, status FROM SSISDB.catalog.executions WHERE execution_id + 0 IN (250, 5, 5, 9999, NULL) ORDER BY 1"},
		{"or",
			"SELECT execution_id FROM SSISDB.catalog.executions WHERE execution_id = 7 OR 8 = execution_id OR execution_id IN (299, 300) ORDER BY 1",
			"SELECT execution_id FROM SSISDB.catalog.executions WHERE execution_id + 0 = 7 OR 8 = execution_id + 0 OR execution_id + 0 IN (299, 300) ORDER BY 1"},
		{"variables",
			"DECLARE @a bigint = 12, @b int = 13; SELECT execution_id FROM SSISDB.catalog.executions WHERE execution_id IN (@a, @b) ORDER BY 1",
			"DECLARE @a bigint = 12, @b int = 13; SELECT execution_id FROM SSISDB.catalog.executions WHERE execution_id + 0 IN (@a, @b) ORDER BY 1"},
		{"messages of two operations",
			"SELECT operation_id, event_message_id FROM SSISDB.catalog.event_messages WHERE operation_id IN (3, 200) ORDER BY 2",
			"SELECT operation_id, event_message_id FROM SSISDB.catalog.event_messages WHERE operation_id + 0 IN (3, 200) ORDER BY 2"},
		{"with another filter",
			"SELECT execution_id FROM SSISDB.catalog.executions WHERE (execution_id = 10 OR execution_id = 11) AND status = 7 ORDER BY 1",
			"SELECT execution_id FROM SSISDB.catalog.executions WHERE (execution_id + 0 = 10 OR execution_id + 0 = 11) AND status = 7 ORDER BY 1"},
	}
	run := func(t *testing.T, sql string) [][][]string {
		c := &collector{t: t}
		if err := s.Batch(context.Background(), sql, c); err != nil {
			t.Fatal(err)
		}
		return c.sets
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, want := run(t, tc.seek), run(t, tc.scan)
			if len(want) == 0 || len(want[len(want)-1]) == 0 {
				t.Fatalf("the scan returned nothing: %v", want)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("seeks:\n%v\nscan:\n%v", got, want)
			}
		})
	}
}
