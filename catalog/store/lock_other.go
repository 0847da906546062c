//go:build !unix

package store

import "os"

// lockFile has no advisory lock to take on this platform: the lock file
// only records the process id, and two emulators on one directory are not
// detected.
func lockFile(f *os.File) (held bool, err error) { return false, nil }

func unlockFile(f *os.File) error { return nil }
