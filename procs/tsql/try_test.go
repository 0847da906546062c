package tsql

import (
	"fmt"
	"os"
	"testing"
)

func TestTry(t *testing.T) {
	src := os.Getenv("SQL")
	b, err := Parse(src)
	if err != nil {
		fmt.Println("ERR:", err)
		return
	}
	fmt.Print(Dump(b))
}
