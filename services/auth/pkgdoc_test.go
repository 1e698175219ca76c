package auth

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

func TestPackageDoc(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.PackageClauseOnly|parser.ParseComments)
	if err != nil {
		t.Fatalf("no readable doc.go: %v", err)
	}
	if f.Doc == nil || !strings.HasPrefix(f.Doc.Text(), "Package auth ") {
		t.Error(`doc.go: package comment must start with "Package auth "`)
	}
}
