package console

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Operation statuses (catalog.executions.status, reference §4.1).
const (
	statusCreated   = 1
	statusRunning   = 2
	statusCanceled  = 3
	statusFailed    = 4
	statusPending   = 5
	statusEnded     = 6
	statusSucceeded = 7
	statusStopping  = 8
	statusCompleted = 9
)

var statusNames = map[int64]string{
	statusCreated: "Created", statusRunning: "Running", statusCanceled: "Canceled", statusFailed: "Failed",
	statusPending: "Pending", statusEnded: "Ended unexpectedly", statusSucceeded: "Succeeded",
	statusStopping: "Stopping", statusCompleted: "Completed",
}

// statusOrder is the order statuses are offered in the report's filter.
var statusOrder = []int64{statusRunning, statusPending, statusSucceeded, statusFailed, statusCanceled, statusEnded,
	statusStopping, statusCreated, statusCompleted}

func statusName(s int64) string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return "Unknown (" + strconv.FormatInt(s, 10) + ")"
}

// statusClass is the CSS class (and chart series) of a status: the report's
// four counters are failed, running, succeeded and others.
func statusClass(s int64) string {
	switch s {
	case statusSucceeded, statusCompleted:
		return "ok"
	case statusFailed, statusEnded:
		return "bad"
	case statusRunning, statusPending, statusStopping:
		return "live"
	}
	return "other"
}

// active reports whether an execution may still change by itself, so a page
// showing it keeps refreshing.
func active(s int64) bool {
	return s == statusRunning || s == statusPending || s == statusStopping
}

// Message types (message_type, reference §4.3).
var messageTypeNames = map[int64]string{
	-1: "Unknown", 10: "Pre-validate", 20: "Post-validate", 30: "Pre-execute", 40: "Post-execute",
	50: "Status change", 60: "Progress", 70: "Information", 80: "Variable value changed", 90: "Diagnostic",
	100: "Query cancel", 110: "Warning", 120: "Error", 130: "Task failed", 140: "Diagnostic (extended)",
	200: "Custom", 400: "Non-diagnostic",
}

func messageTypeName(t int64) string {
	if n, ok := messageTypeNames[t]; ok {
		return n
	}
	return strconv.FormatInt(t, 10)
}

func messageClass(t int64) string {
	switch t {
	case 120, 130:
		return "bad"
	case 110:
		return "warn"
	}
	return ""
}

// Message source types (message_source_type, reference §4.4).
var sourceTypeNames = map[int64]string{
	10: "Entry API", 20: "External process", 30: "Package", 40: "Task", 50: "Container", 60: "Data flow task",
}

// Parameter object types (reference §4.5).
var objectTypeNames = map[int64]string{20: "Project", 30: "Package", 50: "System"}

// Logging levels of LOGGING_LEVEL (reference §2.2).
var loggingLevels = []struct {
	Value int
	Name  string
}{{0, "None"}, {1, "Basic"}, {2, "Performance"}, {3, "Verbose"}, {4, "Runtime lineage"}}

const timeLayout = "2006-01-02 15:04:05"

// fmtTime shows a catalog time in the server's zone; zero (NULL) is "".
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(timeLayout)
}

// fmtSeconds shows a duration as the report's "Duration (sec)".
func fmtSeconds(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}

// fmtDuration is a short human duration for chart labels.
func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
}

// zoneName describes the zone catalog times are shown in.
func zoneName(t time.Time) string {
	name, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	utc := fmt.Sprintf("UTC%c%02d:%02d", sign, off/3600, off/60%60)
	if name == "" || name == "UTC" || strings.HasPrefix(name, "+") || strings.HasPrefix(name, "-") {
		return utc
	}
	return name + " (" + utc + ")"
}
