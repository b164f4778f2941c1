package files_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"ginrest/files"
)

func TestValidName(t *testing.T) {
	for in, want := range map[string]string{
		"report.pdf":           "report.pdf",
		"  my report (1).pdf ": "my_report_1.pdf",
		"../../etc/passwd":     "passwd",
		`C:\Users\a\photo.jpg`: "photo.jpg",
		"..":                   "",
		"/":                    "",
		"<script>.html":        "script.html",
		"été.txt":              "été.txt",
		"a\x00b":               "ab",
	} {
		if got := files.ValidName(in); got != want {
			t.Errorf("ValidName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanName(t *testing.T) {
	for _, bad := range []string{"", "/etc/passwd", "../x", "a/../../x", "a//b", "a\\b", "a\x00", "./a", "a/"} {
		if _, err := files.CleanName(bad); !errors.Is(err, files.ErrInvalidName) {
			t.Errorf("CleanName(%q) = %v, want ErrInvalidName", bad, err)
		}
	}
	if got, err := files.CleanName("notes/a.txt"); err != nil || got != "notes/a.txt" {
		t.Errorf("CleanName = %q, %v", got, err)
	}
}

func read(t *testing.T, s files.Storage, name string) string {
	t.Helper()
	f, err := s.Open(name)
	if err != nil {
		t.Fatalf("Open(%q): %v", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Save never overwrites: a taken name gets "_" and seven characters before its extension
// (get_available_name), within MaxLength; Open, URL and Delete find what Save stored.
func TestFileSystem(t *testing.T) {
	root := t.TempDir()
	s := &files.FileSystem{Root: filepath.Join(root, "media"), BaseURL: "/media/"}
	first, err := s.Save("notes/a b.txt", strings.NewReader("one"))
	if err != nil || first != "notes/a b.txt" {
		t.Fatalf("Save = %q, %v", first, err)
	}
	second, err := s.Save("notes/a b.txt", strings.NewReader("two"))
	if err != nil || !regexp.MustCompile(`^notes/a b_[a-z2-7]{7}\.txt$`).MatchString(second) {
		t.Fatalf("second Save = %q, %v", second, err)
	}
	if read(t, s, first) != "one" || read(t, s, second) != "two" {
		t.Error("contents differ")
	}
	if got := s.URL(first); got != "/media/notes/a%20b.txt" {
		t.Errorf("URL = %q", got)
	}
	if err := s.Delete(first); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(first); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open after Delete: %v", err)
	}
	if err := s.Delete(first); err != nil {
		t.Errorf("a second Delete: %v", err)
	}
	long := "notes/" + strings.Repeat("x", 90) + ".txt" // exactly 100
	a, err := s.Save(long, strings.NewReader("1"))
	if err != nil || a != long {
		t.Fatalf("Save(long) = %q, %v", a, err)
	}
	b, err := s.Save(long, strings.NewReader("2"))
	if err != nil || len(b) != 100 || !strings.HasSuffix(b, ".txt") || b == a {
		t.Errorf("Save(long) again = %q (%d), %v", b, len(b), err)
	}
	for _, bad := range []string{"../escape.txt", "/abs.txt", "notes/../../x"} {
		if _, err := s.Save(bad, strings.NewReader("x")); !errors.Is(err, files.ErrInvalidName) {
			t.Errorf("Save(%q) = %v", bad, err)
		}
		if _, err := s.Open(bad); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
	if _, err := s.Open("notes"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(a directory) = %v", err)
	}
}

// A symbolic link inside the root that points out of it is not followed.
func TestFileSystemSymlink(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("s"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
		t.Skip(err)
	}
	s := &files.FileSystem{Root: root}
	if _, err := s.Open("link/secret"); err == nil {
		t.Error("Open followed a link out of the root")
	}
	if _, err := s.Save("link/new", strings.NewReader("x")); err == nil {
		t.Error("Save wrote through a link out of the root")
	}
}

// Saves of one name at once each get a name of their own.
func TestFileSystemConcurrentSaves(t *testing.T) {
	s := &files.FileSystem{Root: t.TempDir()}
	var wg sync.WaitGroup
	names := make([]string, 8)
	for i := range names {
		wg.Go(func() {
			n, err := s.Save("same.txt", strings.NewReader("x"))
			if err != nil {
				t.Error(err)
			}
			names[i] = n
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("two saves got %q", n)
		}
		seen[n] = true
	}
}

// A copy that fails leaves no file.
func TestFileSystemFailedSave(t *testing.T) {
	root := t.TempDir()
	s := &files.FileSystem{Root: root}
	_, err := s.Save("a.txt", io.MultiReader(strings.NewReader("part"), iotestErr{}))
	if err == nil {
		t.Fatal("Save succeeded")
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 0 {
		t.Errorf("left %v", entries)
	}
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("gone") }
