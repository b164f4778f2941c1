package rest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"ginrest/rest"
)

// Uploads answers POST with its form values and, for each file, its name, size, sniffed
// type and content; it keeps the temporary files' directory listing as the handler saw it.
type Uploads struct {
	rest.APIView
	tempDir string
	during  int // files in tempDir while the handler ran
}

type upload struct {
	Name, Sniffed, Content string
	Size                   int64
}

func (v *Uploads) Post(r *rest.Request) (*rest.Response, error) {
	data, err := r.Data()
	if err != nil {
		return nil, err
	}
	files := map[string][]upload{}
	for name, list := range r.Files() {
		for _, f := range list {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return nil, err
			}
			files[name] = append(files[name], upload{Name: f.Name, Size: f.Size, Sniffed: f.Sniff(), Content: string(b)})
		}
	}
	entries, _ := os.ReadDir(v.tempDir)
	v.during = len(entries)
	return rest.OK(map[string]any{"data": data, "files": files}), nil
}

// filePart is a multipart file part for boundary "b".
func filePart(field, filename, contentType, content string) string {
	s := "--b\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename + "\"\r\n"
	if contentType != "" {
		s += "Content-Type: " + contentType + "\r\n"
	}
	return s + "\r\n" + content + "\r\n"
}

func valuePart(field, value string) string {
	return "--b\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n" + value + "\r\n"
}

func postUpload(t *testing.T, parsers rest.Parsers, body io.Reader) (*Uploads, *httptest.ResponseRecorder) {
	t.Helper()
	parsers.TempDir = t.TempDir()
	view := &Uploads{APIView: rest.APIView{Authenticators: auths(), Permissions: perms()}, tempDir: parsers.TempDir}
	logger, _ := quietLogger()
	h := rest.NewHandler(view, rest.Defaults{Parsers: &parsers, Logger: logger})
	req := httptest.NewRequest(http.MethodPost, "/", body)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	// Whatever happened, the request's temporary files are gone once it is answered.
	if entries, _ := os.ReadDir(parsers.TempDir); len(entries) != 0 {
		t.Errorf("%d temporary files left behind", len(entries))
	}
	return view, rec
}

func TestMultipartFiles(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 20)
	tests := []struct {
		name       string
		parsers    rest.Parsers
		body       string
		wantCode   int
		want       string
		wantOnDisk int
	}{
		{"a value and a file in memory", rest.Parsers{},
			valuePart("title", "x") + filePart("f", "a.txt", "image/png", "hello") + "--b--\r\n", 200,
			`{"data":{"title":"x"},"files":{"f":[{"Name":"a.txt","Sniffed":"text/plain; charset=utf-8","Content":"hello","Size":5}]}}`, 0},
		{"a file larger than FileMemoryBytes is a temporary file", rest.Parsers{FileMemoryBytes: 4},
			filePart("f", "p.png", "", png) + "--b--\r\n", 200,
			`{"data":{},"files":{"f":[{"Name":"p.png","Sniffed":"image/png","Content":` + jsonString(png) + `,"Size":28}]}}`, 1},
		{"a directory in the file name is dropped", rest.Parsers{},
			filePart("f", `..\..\etc/passwd`, "", "x") + "--b--\r\n", 200,
			`{"data":{},"files":{"f":[{"Name":"passwd","Sniffed":"text/plain; charset=utf-8","Content":"x","Size":1}]}}`, 0},
		{"an empty file input is skipped, as Django skips it", rest.Parsers{},
			filePart("f", "", "application/octet-stream", "") + "--b--\r\n", 200, `{"data":{},"files":{}}`, 0},
		{"an empty file is a file", rest.Parsers{},
			filePart("f", "e.txt", "", "") + "--b--\r\n", 200,
			`{"data":{},"files":{"f":[{"Name":"e.txt","Sniffed":"text/plain; charset=utf-8","Content":"","Size":0}]}}`, 0},
		{"the upload limit bounds files", rest.Parsers{MaxUploadBytes: 200},
			filePart("f", "a.txt", "", strings.Repeat("x", 300)) + "--b--\r\n", 413, `{"detail":"Request body is too large."}`, 0},
		{"the upload limit, mid-file in a temporary file", rest.Parsers{MaxUploadBytes: 200, FileMemoryBytes: 10},
			filePart("f", "a.txt", "", strings.Repeat("x", 300)) + "--b--\r\n", 413, `{"detail":"Request body is too large."}`, 0},
		{"too many parts", rest.Parsers{},
			strings.Repeat(valuePart("a", "1"), rest.MaxFormFields+1) + "--b--\r\n", 400,
			`{"detail":"The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."}`, 0},
		{"a truncated body after a file", rest.Parsers{FileMemoryBytes: 1},
			filePart("f", "a.txt", "", "hello") + "--b\r\nContent-Disp", 400, `{"detail":"Multipart form parse error - …`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view, rec := postUpload(t, tt.parsers, strings.NewReader(tt.body))
			if rec.Code != tt.wantCode {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tt.wantCode, rec.Body)
			}
			got := rec.Body.String()
			if prefix, ok := strings.CutSuffix(tt.want, "…"); ok {
				if !strings.HasPrefix(got, prefix) {
					t.Errorf("body = %s, want %s…", got, prefix)
				}
			} else if got != tt.want {
				t.Errorf("body = %s\nwant   %s", got, tt.want)
			}
			if tt.wantCode == 200 && view.during != tt.wantOnDisk {
				t.Errorf("%d temporary files during the request, want %d", view.during, tt.wantOnDisk)
			}
		})
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// brokenBody is a client that disconnects after sending part of its body.
type brokenBody struct{ r io.Reader }

func (b *brokenBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, errors.New("connection reset by peer")
	}
	return n, err
}

// A client gone mid-upload: the part of the file already in a temporary file is removed,
// and the answer is a 400 (nobody reads it).
func TestMultipartDisconnect(t *testing.T) {
	body := filePart("a", "first.txt", "", strings.Repeat("y", 100)) +
		"--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\n" + strings.Repeat("x", 5000)
	_, rec := postUpload(t, rest.Parsers{FileMemoryBytes: 10}, &brokenBody{strings.NewReader(body)})
	if rec.Code != 400 {
		t.Fatalf("status = %d: %s", rec.Code, rec.Body)
	}
}

// FuzzMultipart sends arbitrary multipart bodies: never a 5xx or a panic, always JSON, and
// never a temporary file left behind (postUpload checks).
func FuzzMultipart(f *testing.F) {
	for _, s := range []string{
		valuePart("a", "1") + "--b--\r\n",
		filePart("f", "x.txt", "text/plain", "hello") + valuePart("a", "2") + "--b--\r\n",
		filePart("f", "", "", "") + "--b--\r\n",
		filePart("f", "../x", "", strings.Repeat("z", 64)) + "--b--\r\n",
		"--b\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''%e2%82%ac.txt\r\n\r\nx\r\n--b--\r\n",
		"--b\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n=41=\r\n--b--\r\n",
		"--b\r\n\r\n\r\n--b--", "--b--", "", "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\nxx",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		_, rec := postUpload(t, rest.Parsers{MaxBytes: 256, MaxUploadBytes: 1024, FileMemoryBytes: 16}, strings.NewReader(string(body)))
		if rec.Code >= 500 || !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("body %q: %d %s", body, rec.Code, rec.Body)
		}
	})
}
