package procs

import (
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/proc"
	"github.com/ssisdb-emulator/ssisdb-emulator/procs/tsql"
)

// A poll loop sends the same text every few seconds (a batch, or
// sp_executesql with the same statement and parameter declarations, or
// sp_execute of a prepared handle); parsing and compiling it again each time
// was most of the engine's cost of a point lookup. A session keeps the
// modules it compiled for its last texts. That is sound because compiling
// reads nothing but the text (and the engine's fixed built-ins): names
// resolve, views bind to the caller and tables are found when a statement
// runs, and a compiled module is not changed by running it (a procedure's
// module is shared by all its calls the same way).

// moduleCacheSize bounds the texts a session keeps compiled; maxCachedText
// keeps long scripts (deployments, run once) out.
const (
	moduleCacheSize = 64
	maxCachedText   = 16 << 10
)

// moduleKey names a cache entry: a module compiled from text with the
// parameters decls declares, or (params) the parameter list decls parses to.
type moduleKey struct {
	params      bool
	decls, text string
}

// compiledText is a module, or a parameter list.
type compiledText struct {
	mod    *module
	params []proc.Param
}

// compiled returns what compile makes of k, calling it on a miss. Failures
// are not kept: their errors are sent again each time, as the text is
// parsed again.
func (s *Session) compiled(k moduleKey, compile func() (compiledText, error)) (compiledText, error) {
	if len(k.text)+len(k.decls) > maxCachedText {
		return compile()
	}
	if ct, ok := s.modules[k]; ok {
		return ct, nil
	}
	ct, err := compile()
	if err != nil {
		return ct, err
	}
	if s.modules == nil || len(s.modules) >= moduleCacheSize {
		// Dropping all is simpler than an LRU and as good for a loop that
		// sends a handful of texts.
		s.modules = make(map[moduleKey]compiledText, moduleCacheSize)
	}
	s.modules[k] = ct
	return ct, nil
}

// compileBatch parses and compiles a batch's text.
func (s *Session) compileBatch(sql string) (*module, error) {
	ct, err := s.compiled(moduleKey{text: sql}, func() (compiledText, error) {
		b, err := tsql.Parse(sql)
		if err != nil {
			return compiledText{}, err
		}
		mod, err := s.e.compileModule(b, "", b.Stmts, nil)
		return compiledText{mod: mod}, err
	})
	return ct.mod, err
}

// paramDecls parses sp_executesql's (or sp_prepare's) parameter
// declarations.
func (s *Session) paramDecls(decls string) ([]proc.Param, error) {
	ct, err := s.compiled(moduleKey{params: true, decls: decls}, func() (compiledText, error) {
		params, err := s.e.parseParamDecls(decls)
		return compiledText{params: params}, err
	})
	return ct.params, err
}

// compileDynamic parses and compiles dynamic SQL's text with the
// parameters decls declared (params).
func (s *Session) compileDynamic(text, decls string, params []proc.Param) (*module, error) {
	ct, err := s.compiled(moduleKey{decls: decls, text: text}, func() (compiledText, error) {
		b, err := tsql.Parse(text)
		if err != nil {
			return compiledText{}, firstError(err)
		}
		pd := make([]paramDecl, len(params))
		for i, p := range params {
			pd[i] = paramDecl{name: p.Name, typ: p.Type}
		}
		mod, err := s.e.compileModule(b, "", b.Stmts, pd)
		if err != nil {
			return compiledText{}, firstError(err)
		}
		return compiledText{mod: mod}, nil
	})
	return ct.mod, err
}
