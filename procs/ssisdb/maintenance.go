package ssisdb

import (
	"context"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/proc"
)

// internalProcs are the internal.* procedures scripts call directly: the
// SSIS Server Maintenance Job's operation-log cleanup, which takes no
// parameters.
func (b *binder) internalProcs() []*proc.Def {
	return []*proc.Def{
		{Database: catalog.SSISDB, Schema: "internal", Name: "cleanup_server_retention_window", Body: proc.Body(b.cleanupServerRetentionWindow)},
	}
}

func (b *binder) cleanupServerRetentionWindow(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	_, err := b.cat.CleanupServerRetentionWindow(ctx, tx, caller)
	return status(err)
}
