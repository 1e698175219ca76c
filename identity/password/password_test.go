package password

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestHashCheck(t *testing.T) {
	h, err := Hash("secret", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if !Check(h, "secret") || Check(h, "Secret") || Check("", "secret") {
		t.Fatal("Check mismatch")
	}
	long := strings.Repeat("a", 100)
	h, err = Hash(long, bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if !Check(h, long[:72]+"zzz") {
		t.Fatal("secrets are cut at 72 bytes, as passlib does")
	}
}
