package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// site writes a small site into a temporary directory, next to a secret file
// that must never be served, and returns the site's directory.
func site(t *testing.T) string {
	t.Helper()
	parent := t.TempDir()
	dir := filepath.Join(parent, "static")
	files := map[string]string{
		"index.html":          "<!doctype html><title>home</title>",
		"style.css":           "body{}",
		"app.js":              "export const a = 1;",
		"mod.mjs":             "export const b = 2;",
		"x.wasm":              "\x00asm raw",
		"x.wasm.br":           "brotli bytes",
		"x.wasm.gz":           "gzip bytes",
		"only-gz.js":          "raw js",
		"only-gz.js.gz":       "gzip js",
		"orphan.js.br":        "no uncompressed twin",
		"docs/index.html":     "<!doctype html><title>docs</title>",
		"docs/guide.txt":      "guide",
		"../secret.txt":       "SECRET",
		"../static-other.txt": "SECRET TOO",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(parent, "secret.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func newTestHandler(t *testing.T) http.Handler {
	t.Helper()
	h, err := NewHandler(site(t))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// get sends one request straight to the handler.
func get(h http.Handler, target, acceptEncoding string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	if acceptEncoding != "" {
		r.Header.Set("Accept-Encoding", acceptEncoding)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestContentTypes(t *testing.T) {
	h := newTestHandler(t)
	for _, tc := range []struct{ path, ctype, body string }{
		{"/x.wasm", "application/wasm", "\x00asm raw"},
		{"/app.js", "text/javascript; charset=utf-8", "export const a = 1;"},
		{"/mod.mjs", "text/javascript; charset=utf-8", "export const b = 2;"},
		{"/style.css", "text/css; charset=utf-8", "body{}"},
		{"/docs/guide.txt", "text/plain; charset=utf-8", "guide"},
	} {
		w := get(h, tc.path, "")
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != tc.ctype || w.Body.String() != tc.body {
			t.Errorf("GET %s: %d %q %q; want 200 %q %q", tc.path, w.Code,
				w.Header().Get("Content-Type"), w.Body.String(), tc.ctype, tc.body)
		}
		if enc := w.Header().Get("Content-Encoding"); enc != "" {
			t.Errorf("GET %s without Accept-Encoding: Content-Encoding %q", tc.path, enc)
		}
	}
}

func TestEncodingNegotiation(t *testing.T) {
	h := newTestHandler(t)
	for _, tc := range []struct {
		path, accept   string
		encoding, body string
	}{
		{"/x.wasm", "", "", "\x00asm raw"},
		{"/x.wasm", "gzip, deflate, br, zstd", "br", "brotli bytes"},
		{"/x.wasm", "gzip", "gzip", "gzip bytes"},
		{"/x.wasm", "GZIP;q=0.5", "gzip", "gzip bytes"},
		{"/x.wasm", "br;q=0, gzip;q=0.8", "gzip", "gzip bytes"},
		{"/x.wasm", "br;q=0, gzip;q=0", "", "\x00asm raw"},
		{"/x.wasm", "identity", "", "\x00asm raw"},
		{"/x.wasm", "*", "br", "brotli bytes"},
		{"/x.wasm", "br;q=0, *", "gzip", "gzip bytes"},
		{"/x.wasm", "*;q=0", "", "\x00asm raw"},
		{"/x.wasm", "br;q=abc, gzip", "gzip", "gzip bytes"},
		{"/only-gz.js", "br, gzip", "gzip", "gzip js"},
		{"/only-gz.js", "br", "", "raw js"},
	} {
		w := get(h, tc.path, tc.accept)
		hd := w.Header()
		if w.Code != http.StatusOK || hd.Get("Content-Encoding") != tc.encoding || w.Body.String() != tc.body {
			t.Errorf("GET %s, Accept-Encoding %q: %d, Content-Encoding %q, body %q; want 200, %q, %q",
				tc.path, tc.accept, w.Code, hd.Get("Content-Encoding"), w.Body.String(), tc.encoding, tc.body)
		}
		if hd.Get("Vary") != "Accept-Encoding" {
			t.Errorf("GET %s, Accept-Encoding %q: Vary %q, want Accept-Encoding", tc.path, tc.accept, hd.Get("Vary"))
		}
		want := contentTypes[filepath.Ext(tc.path)]
		if hd.Get("Content-Type") != want {
			t.Errorf("GET %s, Accept-Encoding %q: Content-Type %q, want %q", tc.path, tc.accept, hd.Get("Content-Type"), want)
		}
	}
	// A file without variants does not vary.
	if v := get(h, "/style.css", "br").Header().Get("Vary"); v != "" {
		t.Errorf("GET /style.css: Vary %q, want none", v)
	}
}

func TestRangeOfVariant(t *testing.T) {
	h := newTestHandler(t)
	r := httptest.NewRequest(http.MethodGet, "/x.wasm", nil)
	r.Header.Set("Accept-Encoding", "br")
	r.Header.Set("Range", "bytes=0-5")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusPartialContent || w.Body.String() != "brotli" {
		t.Fatalf("range of the br variant: %d %q, want 206 \"brotli\"", w.Code, w.Body.String())
	}
}

func TestNotFound(t *testing.T) {
	h := newTestHandler(t)
	for _, p := range []string{"/missing.wasm", "/orphan.js", "/docs/missing.html"} {
		for _, accept := range []string{"", "br, gzip"} {
			if w := get(h, p, accept); w.Code != http.StatusNotFound {
				t.Errorf("GET %s, Accept-Encoding %q: %d, want 404", p, accept, w.Code)
			}
		}
	}
}

func TestDirectoryIndex(t *testing.T) {
	h := newTestHandler(t)
	for path, want := range map[string]string{"/": "home", "/docs/": "docs"} {
		w := get(h, path, "br, gzip")
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "<title>"+want+"</title>") {
			t.Errorf("GET %s: %d %q, want 200 with the %s page", path, w.Code, w.Body.String(), want)
		}
		if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", path, ct)
		}
	}
	// /docs redirects to /docs/ rather than serving a page at the wrong base.
	if w := get(h, "/docs", ""); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "docs/" {
		t.Errorf("GET /docs: %d Location %q, want 301 docs/", w.Code, w.Header().Get("Location"))
	}
}

func TestPathTraversal(t *testing.T) {
	h := newTestHandler(t)
	for _, target := range []string{
		"/../secret.txt",
		"/docs/../../secret.txt",
		"/%2e%2e/secret.txt",
		"/..%2fsecret.txt",
		"/docs/..%2f..%2fsecret.txt",
		"/../static-other.txt",
		"/link.txt", // a symbolic link out of the directory
	} {
		for _, accept := range []string{"", "br, gzip"} {
			w := get(h, target, accept)
			if strings.Contains(w.Body.String(), "SECRET") {
				t.Errorf("GET %s served a file outside the directory: %d %q", target, w.Code, w.Body.String())
			}
			if w.Code == http.StatusOK {
				t.Errorf("GET %s: 200, want an error status", target)
			}
		}
	}
}

func TestNewHandlerMissingDir(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	if _, err := NewHandler(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("NewHandler(%q) = %v, want an error naming the directory", missing, err)
	}
}

func TestListenPortTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	addr := taken.Addr().String()
	ln, err := listen(addr)
	if err == nil {
		ln.Close()
		t.Fatalf("listen(%s) on a taken port succeeded", addr)
	}
	want := "cannot listen on " + addr + ": address already in use; pass -addr 127.0.0.1:PORT"
	if err.Error() != want {
		t.Fatalf("listen(%s) = %q, want %q", addr, err, want)
	}
}

// bigSite writes a site whose page files all have .br and .gz variants larger
// than the 2 KB that net/http buffers before it sends a response chunked: a
// smaller response gets a Content-Length from the server whatever the handler
// does, so these sizes make the length checks able to fail. Each body says
// which file and encoding it is.
func bigSite(t *testing.T) (dir string, bodies map[string]string) {
	t.Helper()
	dir = t.TempDir()
	bodies = map[string]string{}
	for _, name := range []string{"index.html", "embed.html", "docs-example.html", "style.css", "app.js", "x.wasm"} {
		for _, suffix := range []string{"", ".br", ".gz"} {
			body := name + suffix + " " + strings.Repeat("0123456789", 500+len(suffix))
			bodies[name+suffix] = body
			if err := os.WriteFile(filepath.Join(dir, name+suffix), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir, bodies
}

// fetch sends one request over a real connection, so that the headers are
// those on the wire. Setting Accept-Encoding keeps Go's client from
// decompressing the body.
func fetch(t *testing.T, srv *httptest.Server, method, target string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "identity")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, target, err)
	}
	return resp, string(body)
}

// TestPrecompressedPage checks every file of the page in every encoding a
// client may ask for: the variant chosen (RFC 9110 §12.5.3), its
// Content-Encoding and Vary, the uncompressed file's Content-Type, and a
// Content-Length equal to the bytes sent (RFC 9110 §8.6) rather than a
// chunked body.
func TestPrecompressedPage(t *testing.T) {
	dir, bodies := bigSite(t)
	h, err := NewHandler(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, tc := range []struct{ path, file, ctype string }{
		{"/", "index.html", "text/html; charset=utf-8"},
		{"/embed.html", "embed.html", "text/html; charset=utf-8"},
		{"/docs-example.html", "docs-example.html", "text/html; charset=utf-8"},
		{"/style.css", "style.css", "text/css; charset=utf-8"},
		{"/app.js", "app.js", "text/javascript; charset=utf-8"},
		{"/x.wasm", "x.wasm", "application/wasm"},
	} {
		for _, enc := range []struct{ accept, encoding, suffix string }{
			{"gzip, deflate, br, zstd", "br", ".br"},
			{"gzip", "gzip", ".gz"},
			{"identity", "", ""},
		} {
			resp, body := fetch(t, srv, http.MethodGet, tc.path, map[string]string{"Accept-Encoding": enc.accept})
			what := fmt.Sprintf("GET %s, Accept-Encoding %q", tc.path, enc.accept)
			if resp.StatusCode != http.StatusOK || body != bodies[tc.file+enc.suffix] {
				t.Errorf("%s: %d, body %.20q; want 200, the body of %s", what, resp.StatusCode, body, tc.file+enc.suffix)
			}
			if got := resp.Header.Get("Content-Encoding"); got != enc.encoding {
				t.Errorf("%s: Content-Encoding %q, want %q", what, got, enc.encoding)
			}
			if got := resp.Header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("%s: Content-Type %q, want %q", what, got, tc.ctype)
			}
			if got := resp.Header.Get("Vary"); got != "Accept-Encoding" {
				t.Errorf("%s: Vary %q, want Accept-Encoding", what, got)
			}
			// The loader's progress bar counts decoded bytes against this.
			wantDecoded := ""
			if enc.encoding != "" {
				wantDecoded = fmt.Sprint(len(bodies[tc.file]))
			}
			if got := resp.Header.Get(DecodedLengthHeader); got != wantDecoded {
				t.Errorf("%s: %s %q, want %q", what, DecodedLengthHeader, got, wantDecoded)
			}
			// The pages carry their policy (the page, the embed's frame,
			// the sample documentation page); the files they load need none.
			wantCSP := ""
			if strings.HasSuffix(tc.file, ".html") {
				wantCSP = ContentSecurityPolicy
			}
			if got := resp.Header.Get("Content-Security-Policy"); got != wantCSP {
				t.Errorf("%s: Content-Security-Policy %q, want %q", what, got, wantCSP)
			}
			if resp.ContentLength != int64(len(body)) || resp.TransferEncoding != nil {
				t.Errorf("%s: Content-Length %d, Transfer-Encoding %q for a %d-byte body; want the body's length, not chunked",
					what, resp.ContentLength, resp.TransferEncoding, len(body))
			}
			// HEAD announces the length GET sends (RFC 9110 §9.3.2).
			head, _ := fetch(t, srv, http.MethodHead, tc.path, map[string]string{"Accept-Encoding": enc.accept})
			if head.ContentLength != int64(len(bodies[tc.file+enc.suffix])) || head.Header.Get("Content-Encoding") != enc.encoding {
				t.Errorf("HEAD %s, Accept-Encoding %q: Content-Length %d, Content-Encoding %q; want %d, %q", tc.path, enc.accept,
					head.ContentLength, head.Header.Get("Content-Encoding"), len(bodies[tc.file+enc.suffix]), enc.encoding)
			}
		}
	}
	// /index.html redirects to its directory whatever the client accepts, as
	// it does without variants.
	if resp, _ := fetch(t, srv, http.MethodGet, "/index.html", map[string]string{"Accept-Encoding": "br"}); resp.Request.URL.Path != "/" ||
		resp.Request.Response == nil || resp.Request.Response.StatusCode != http.StatusMovedPermanently {
		t.Errorf("GET /index.html: ended at %s, want a 301 to /", resp.Request.URL)
	}
}

// TestPrecompressedConditional checks the responses to a precompressed file
// that carry no file: 304 has no Content-Length or Content-Encoding (RFC 9110
// §15.4.5), and a 412 does not announce the file's length (which would leave
// the client waiting for bytes that never come).
func TestPrecompressedConditional(t *testing.T) {
	dir, _ := bigSite(t)
	h, err := NewHandler(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	first, _ := fetch(t, srv, http.MethodGet, "/x.wasm", map[string]string{"Accept-Encoding": "br"})
	modified := first.Header.Get("Last-Modified")
	if modified == "" {
		t.Fatal("GET /x.wasm: no Last-Modified")
	}
	resp, body := fetch(t, srv, http.MethodGet, "/x.wasm", map[string]string{"Accept-Encoding": "br", "If-Modified-Since": modified})
	if resp.StatusCode != http.StatusNotModified || body != "" ||
		resp.Header.Get("Content-Length") != "" || resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("revalidating /x.wasm: %d, Content-Length %q, Content-Encoding %q, %d bytes; want 304 with neither and no body",
			resp.StatusCode, resp.Header.Get("Content-Length"), resp.Header.Get("Content-Encoding"), len(body))
	}
	resp, body = fetch(t, srv, http.MethodGet, "/x.wasm", map[string]string{"Accept-Encoding": "br", "If-Match": `"other"`})
	if resp.StatusCode != http.StatusPreconditionFailed || resp.ContentLength > 0 || body != "" {
		t.Errorf("GET /x.wasm, If-Match another tag: %d, Content-Length %d, %d bytes; want 412 and no body",
			resp.StatusCode, resp.ContentLength, len(body))
	}
}
