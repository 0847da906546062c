package catalog

// The catalog keeps the current version of each project only (deploy
// replaces the previous one), so catalog.object_versions has one row per
// project, its current version, and restore_project, which switches a
// project to a kept older version, is not offered.
var (
	colsObjectVersions = cols("object_version_lsn bigint!", "object_id bigint!", "object_type smallint!", "object_name sysname!",
		"description nvarchar(1024)", "created_by nvarchar(128)!", "created_time datetimeoffset(7)!", "restored_by nvarchar(128)",
		"last_restored_time datetimeoffset(7)")
	colsInternalObjectVersions = cols("object_version_lsn bigint!", "object_id bigint!", "object_type smallint!",
		"description nvarchar(1024)", "created_by nvarchar(128)!", "created_time datetimeoffset(7)!", "restored_by nvarchar(128)",
		"last_restored_time datetimeoffset(7)", "object_data varbinary(max)!", "object_status char(1)!")
)

// versionPrefix writes object_version_lsn through object_type.
func versionPrefix(w *rowBuf, p *Project) {
	w.int(p.LSN)
	w.int(p.ID)
	w.int(20)
}

// versionTail writes description through last_restored_time: the version
// was created by its deployment and never restored.
func versionTail(w *rowBuf, p *Project) {
	w.str(p.Description)
	w.str(p.DeployedByName)
	w.time(p.LastDeployed)
	w.null()
	w.null()
}

func init() {
	catalogViews["catalog.object_versions"] = &viewDef{cols: colsObjectVersions,
		scan: func(x *scan) bool {
			return byID(x, x.s.Projects, func(x *scan, p *Project) bool {
				if x.s.check(x.sc, ObjProject, p.ID, PermRead) {
					versionPrefix(&x.w, p)
					x.w.str(p.Name)
					versionTail(&x.w, p)
				}
				return true
			})
		}}
	catalogViews["internal.object_versions"] = &viewDef{cols: colsInternalObjectVersions, deny: denyInternal("object_versions"),
		scan: func(x *scan) bool {
			return byID(x, x.s.Projects, func(x *scan, p *Project) bool {
				versionPrefix(&x.w, p)
				versionTail(&x.w, p)
				stream := p.Stream
				if stream == nil {
					stream = []byte{}
				}
				x.w.bytes(stream)
				x.w.str("C")
				return true
			})
		}}
}
