package store

import (
	"archive/zip"
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

// largeIspacOf is ispacOf with an extra part of size random bytes, stored
// uncompressed, so that the .ispac is about size bytes larger; seed makes
// each version's bytes differ.
func largeIspacOf(t testing.TB, project, pkg string, size int, seed uint64) []byte {
	t.Helper()
	small := ispacOf(t, project, pkg)
	zr, err := zip.NewReader(bytes.NewReader(small), int64(len(small)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "Padding/blob.bin", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	buf := make([]byte, size)
	for i := 0; i+8 <= len(buf); i += 8 {
		v := rng.Uint64()
		for j := range 8 {
			buf[i+j] = byte(v >> (8 * j))
		}
	}
	if _, err := io.Copy(w, bytes.NewReader(buf)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
