package tds

import (
	"errors"
	"io"
)

var (
	errEOF           = io.EOF
	errUnexpectedEOF = io.ErrUnexpectedEOF
	_                = errors.Is
)
