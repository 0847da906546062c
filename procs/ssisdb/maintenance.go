package ssisdb

import (
	"context"

	"github.com/ssisdb-emulator/ssisdb-emulator/catalog"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/proc"
)

// internalProcs are the internal.* procedures scripts call directly: the
// SSIS Server Maintenance Job's two steps, which take no parameters.
func (b *binder) internalProcs() []*proc.Def {
	return []*proc.Def{
		// Body needs the named type: the engine dispatches on it.
		{Database: catalog.SSISDB, Schema: "internal", Name: "cleanup_server_retention_window", Body: proc.Body(b.cleanupServerRetentionWindow)},
		{Database: catalog.SSISDB, Schema: "internal", Name: "cleanup_server_project_version", Body: proc.Body(b.cleanupServerProjectVersion)},
	}
}

func (b *binder) cleanupServerRetentionWindow(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	_, err := b.cat.CleanupServerRetentionWindow(ctx, tx, caller)
	return status(err)
}

func (b *binder) cleanupServerProjectVersion(ctx context.Context, c *proc.Call) (int32, error) {
	tx, caller := b.env(c)
	_, err := b.cat.CleanupServerProjectVersion(ctx, tx, caller)
	return status(err)
}
