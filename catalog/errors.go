package catalog

import (
	"errors"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog/sqlerr"
)

// thrownError marks an error a procedure raises inside TRY and re-throws
// from CATCH with THROW: the caller gets the error and no return value.
type thrownError struct{ e *sqlerr.Error }

func (t *thrownError) Error() string { return t.e.Error() }
func (t *thrownError) Unwrap() error { return t.e }

func thrown(e *sqlerr.Error) error { return &thrownError{e} }

// ReturnStatus is the procedure's RETURN value after a call that returned
// err: 0 on success, 1 after RAISERROR ... RETURN 1, and ok=false when the
// procedure ended with THROW (no RETURNSTATUS reaches the client).
func ReturnStatus(err error) (status int32, ok bool) {
	if err == nil {
		return 0, true
	}
	var t *thrownError
	if errors.As(err, &t) {
		return 0, false
	}
	return 1, true
}
