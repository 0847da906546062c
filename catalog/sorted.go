package catalog

import (
	"cmp"
	"slices"
)

// Views return rows in key order so that output is deterministic; scans
// sort a snapshot of the keys (see scan).

func sortPermKeys(ks []PermKey) {
	slices.SortFunc(ks, func(a, b PermKey) int {
		if c := cmp.Compare(a.ObjectType, b.ObjectType); c != 0 {
			return c
		}
		return cmp.Compare(a.ObjectID, b.ObjectID)
	})
}
