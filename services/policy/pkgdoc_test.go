package policy

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryPackageHasDoc fails for a package under services/policy
// without a doc.go holding its package comment.
func TestEveryPackageHasDoc(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" {
			return err
		}
		matches, _ := filepath.Glob(filepath.Join(path, "*.go"))
		if len(matches) == 0 {
			return nil
		}
		f, perr := parser.ParseFile(token.NewFileSet(), filepath.Join(path, "doc.go"), nil, parser.PackageClauseOnly|parser.ParseComments)
		if perr != nil {
			t.Errorf("%s: no readable doc.go: %v", path, perr)
			return nil
		}
		if f.Doc == nil || !strings.HasPrefix(f.Doc.Text(), "Package "+f.Name.Name+" ") {
			t.Errorf("%s/doc.go: package comment must start with %q", path, "Package "+f.Name.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
