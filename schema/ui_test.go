package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"strings"
	"testing"
)

// The served names carry the hashes of assets/SHA256SUMS, so a changed asset with a
// stale line would keep its old URL, and browsers their year-old copy. Every file under
// assets/ is embedded and summed, and every sum is its file's.
func TestAssetSums(t *testing.T) {
	files := embeddedFiles()
	summed := map[string]bool{}
	for line := range strings.Lines(assetSums) {
		sum, p, _ := strings.Cut(strings.TrimSpace(line), "  ")
		p = strings.TrimPrefix(p, "assets/")
		body, ok := files[p]
		if !ok {
			t.Errorf("SHA256SUMS names %s, which is not embedded", p)
			continue
		}
		got := sha256.Sum256(body)
		if hex.EncodeToString(got[:]) != sum {
			t.Errorf("%s: SHA256SUMS says %s, the file is %x (run sha256sum again: assets/README.md)", p, sum, got)
		}
		summed[p] = true
	}
	err := fs.WalkDir(os.DirFS("assets"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == "README.md" || p == "SHA256SUMS" {
			return err
		}
		if !summed[p] {
			t.Errorf("assets/%s is neither embedded nor in SHA256SUMS", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	a := NewAssets("/assets/")
	if len(a.byName) != len(files) {
		t.Errorf("%d served names for %d files", len(a.byName), len(files))
	}
	for p, body := range files {
		if got := a.byName[strings.TrimPrefix(a.URL(p), "/assets/")]; &got.body[0] != &body[0] {
			t.Errorf("%s is not served from the embedded bytes", p)
		}
	}
}
