package catalog

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// maxBulkBytes bounds one OPENROWSET(BULK ..., SINGLE_BLOB) read (the
// varbinary(max) limit is 2 GB; .ispac files are far smaller).
const maxBulkBytes = 512 << 20

// ReadBulk is OPENROWSET(BULK 'path', SINGLE_BLOB): it returns the file's
// bytes (the BulkColumn). Only sysadmins may use it (4834), and only for
// files inside Options.BulkDirs: a relative path is taken inside the first
// directory; `..`, absolute paths outside the directories and symbolic links
// that lead out of them are refused with 4861, as is a file that cannot be
// opened. Windows-style paths (C:\deploy\p.ispac) are matched by their last
// element inside the directories, since deploy scripts are often written
// for Windows.
func (c *Catalog) ReadBulk(ctx context.Context, caller *Caller, path string) ([]byte, error) {
	if !c.IsSysadmin(caller) {
		return nil, errorf(4834, 1)
	}
	full, code := c.bulkPath(path)
	if code != "" {
		return nil, errorf(4861, 1, path, code)
	}
	f, err := os.Open(full)
	if err != nil {
		return nil, errorf(4861, 1, path, osCode(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxBulkBytes+1))
	if err != nil {
		return nil, errorf(4861, 1, path, osCode(err))
	}
	if len(b) > maxBulkBytes {
		return nil, errorf(4861, 1, path, "8(Not enough memory resources are available to process this command.)")
	}
	return b, nil
}

// Operating system error codes as SQL Server prints them.
const (
	osNotFound = "2(The system cannot find the file specified.)"
	osNoPath   = "3(The system cannot find the path specified.)"
	osDenied   = "5(Access is denied.)"
)

func osCode(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return osNotFound
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EISDIR):
		return osDenied
	}
	return osDenied
}

// bulkPath maps a script's path to a file inside the configured
// directories, or returns the OS error code to report.
func (c *Catalog) bulkPath(p string) (string, string) {
	if len(c.opts.BulkDirs) == 0 {
		return "", osDenied
	}
	if strings.Contains(p, "\x00") {
		return "", osNoPath
	}
	norm := strings.ReplaceAll(p, `\`, "/")
	for _, part := range strings.Split(norm, "/") {
		if part == ".." {
			return "", osDenied
		}
	}
	var candidates []string
	switch {
	case len(norm) >= 2 && norm[1] == ':': // C:/deploy/x.ispac
		for _, d := range c.opts.BulkDirs {
			candidates = append(candidates, filepath.Join(d, filepath.Base(norm)))
		}
	case filepath.IsAbs(norm):
		candidates = append(candidates, filepath.Clean(norm))
	default:
		candidates = append(candidates, filepath.Join(c.opts.BulkDirs[0], filepath.FromSlash(norm)))
	}
	for _, cand := range candidates {
		real, err := filepath.EvalSymlinks(cand)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && inside(c.opts.BulkDirs, cand) {
				continue
			}
			if !inside(c.opts.BulkDirs, cand) {
				return "", osDenied
			}
			continue
		}
		if !inside(c.opts.BulkDirs, real) {
			return "", osDenied
		}
		return real, ""
	}
	return "", osNotFound
}

func inside(dirs []string, p string) bool {
	for _, d := range dirs {
		rd, err := filepath.EvalSymlinks(d)
		if err != nil {
			rd = filepath.Clean(d)
		}
		rel, err := filepath.Rel(rd, p)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, "../") && !filepath.IsAbs(rel) {
			return true
		}
	}
	return false
}
