package catalog

import (
	"context"
	"strconv"
	"strings"
)

var encryptionAlgorithms = map[string]bool{"DES": true, "TRIPLE_DES": true, "TRIPLE_DES_3KEY": true, "DESX": true, "AES_128": true, "AES_192": true, "AES_256": true}

// ConfigureCatalog is catalog.configure_catalog. It logs an operation of
// type 1000 that ends 7, or 4 when the value is refused after it started.
// The emulator's SSISDB is never in single-user mode, so the two
// properties that need it (ENCRYPTION_ALGORITHM, SERVER_OPERATION_
// ENCRYPTION_LEVEL) fail with 27162 as on a multi-user catalog.
func (c *Catalog) ConfigureCatalog(ctx context.Context, tx *Tx, caller *Caller, propertyName, propertyValue *string) (err error) {
	c.mu.Lock()
	defer c.release(&err)
	s := c.st
	sc, err := c.beginCatalogCall(caller, 1)
	if err != nil {
		return err
	}
	if !sc.admin() {
		return errorf(27140, 1, "ssis_admin", "sysadmin")
	}
	if propertyName == nil || propertyValue == nil {
		return errorf(27138, 1)
	}
	name := strings.ToUpper(strings.TrimSpace(*propertyName))
	val := strings.TrimSpace(*propertyValue)
	op := c.newOperation(tx, sc, OpConfigure, 0, nil, nil, StatusRunning)
	op.Start = c.now()
	s.grantDefaults(tx, sc, ObjOperation, op.ID)
	fail := func(e error) error {
		c.setStatus(tx, op, StatusFailed)
		return e
	}
	inRange := func(lo, hi int) bool {
		n, err := strconv.Atoi(val)
		return err == nil && n >= lo && n <= hi
	}
	set := map[string]string{}
	switch name {
	case "ENCRYPTION_ALGORITHM":
		if !encryptionAlgorithms[strings.ToUpper(val)] {
			return fail(errorf(27101, 1, "property_value"))
		}
		return fail(errorf(27162, 1, name))
	case "SERVER_OPERATION_ENCRYPTION_LEVEL":
		if val != "1" && val != "2" {
			return fail(errorf(27101, 1, "property_value"))
		}
		for _, o := range s.Operations {
			if o.Status == StatusRunning && o != op || o.Status == StatusPending {
				return fail(errorf(27139, 1))
			}
		}
		return fail(errorf(27162, 1, name))
	case "RETENTION_WINDOW":
		if !inRange(1, 3650) {
			return fail(errorf(27101, 1, "property_value"))
		}
		set[name] = val
	case "MAX_PROJECT_VERSIONS":
		if !inRange(1, 9999) {
			return fail(errorf(27101, 1, "property_value"))
		}
		set[name] = val
	case "VERSION_CLEANUP_ENABLED", "OPERATION_CLEANUP_ENABLED":
		v := strings.ToUpper(val)
		if v != "TRUE" && v != "FALSE" {
			return fail(errorf(27101, 1, "property_value"))
		}
		set[name] = v
	case "SERVER_LOGGING_LEVEL":
		n, err := strconv.Atoi(val)
		if err != nil || (n < 0 || n > 4) && n != 100 {
			return fail(errorf(27101, 1, "property_value"))
		}
		if n == 100 && s.CatalogProperties["SERVER_CUSTOMIZED_LOGGING_LEVEL"] == "" {
			return fail(errorf(27241, 1, n, n))
		}
		set[name] = val
	case "SERVER_CUSTOMIZED_LOGGING_LEVEL":
		if s.LoggingLevels[key(val)] == nil {
			return fail(errorf(27237, 1, val))
		}
		set[name] = s.LoggingLevels[key(val)].Name
		set["SERVER_LOGGING_LEVEL"] = "100"
	case "DEFAULT_EXECUTION_MODE":
		if val != "0" && val != "1" {
			return fail(errorf(27101, 1, "property_value"))
		}
		set[name] = val
	default:
		return fail(errorf(27101, 1, "property_name"))
	}
	if len(set) > 0 {
		s.changes(tx).catalogProperties()
	}
	for k, v := range set {
		old, had := s.CatalogProperties[k]
		s.CatalogProperties[k] = v
		tx.record(func() {
			if had {
				s.CatalogProperties[k] = old
			} else {
				delete(s.CatalogProperties, k)
			}
		})
	}
	c.setStatus(tx, op, StatusSucceeded)
	return nil
}
