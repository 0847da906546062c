package catalog

import (
	"cmp"
	"maps"
	"slices"
)

// Views return rows in key order so that output is deterministic.

func sortedFolders(s *State) []*Folder {
	return slices.SortedFunc(maps.Values(s.Folders), func(a, b *Folder) int { return cmp.Compare(a.ID, b.ID) })
}

func sortedProjects(s *State) []*Project {
	return slices.SortedFunc(maps.Values(s.Projects), func(a, b *Project) int { return cmp.Compare(a.ID, b.ID) })
}

func sortedEnvironments(s *State) []*Environment {
	return slices.SortedFunc(maps.Values(s.Environments), func(a, b *Environment) int { return cmp.Compare(a.ID, b.ID) })
}

func sortedReferences(s *State) []*EnvironmentReference {
	return slices.SortedFunc(maps.Values(s.References), func(a, b *EnvironmentReference) int { return cmp.Compare(a.ID, b.ID) })
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func sortedPermKeys(s *State) []PermKey {
	return slices.SortedFunc(maps.Keys(s.Permissions), func(a, b PermKey) int {
		if c := cmp.Compare(a.ObjectType, b.ObjectType); c != 0 {
			return c
		}
		return cmp.Compare(a.ObjectID, b.ObjectID)
	})
}
