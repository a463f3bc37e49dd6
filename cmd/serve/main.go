// Command serve serves the playground's site (static/) for `make serve`.
//
//	go run ./cmd/serve [-addr 127.0.0.1:8080] [-dir static]
//
// It serves .wasm as application/wasm (so browsers can compile it while it
// downloads) and, when the client accepts them, the precompressed X.br or X.gz
// that build.sh writes beside X (a directory's index.html too), always with
// Content-Length, and with the uncompressed file's size in
// X-Decoded-Content-Length (what the page's loader counts its progress
// against: a browser's stream yields decoded bytes). Every response asks the
// browser to revalidate, so a rebuild shows on the next reload; the page
// (a directory's index.html), the embed's frame (embed.html) and the sample
// documentation page (docs-example.html) come with the page's
// Content-Security-Policy.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on, host:port")
	dir := flag.String("dir", "static", "directory to serve")
	flag.Parse()
	if err := run(*addr, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

// run serves dir on addr until SIGINT or SIGTERM.
func run(addr, dir string) error {
	h, err := NewHandler(dir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(path.Join(dir, "raft-playground.wasm")); err != nil {
		fmt.Fprintf(os.Stderr, "serve: warning: %s/raft-playground.wasm is missing; run ./build.sh\n", dir)
	}
	ln, err := listen(addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	fmt.Printf("Raft Playground: http://%s/\n", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// listen listens on addr, explaining the usual failure in one line.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		host, _, splitErr := net.SplitHostPort(addr)
		if splitErr != nil || host == "" {
			host = "127.0.0.1"
		}
		return nil, fmt.Errorf("cannot listen on %s: address already in use; pass -addr %s",
			addr, net.JoinHostPort(host, "PORT"))
	}
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	return ln, nil
}

// contentTypes fixes the types of the files the site is made of, whatever
// the system's MIME tables say.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".json": "application/json",
	".wasm": "application/wasm",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
}

// encodings are the precompressed variants, in order of preference: the
// Content-Encoding and the suffix of the file that holds it.
var encodings = []struct{ name, suffix string }{
	{"br", ".br"},
	{"gzip", ".gz"},
}

// NewHandler serves the files under dir. Requests cannot leave dir, not even
// through symbolic links.
func NewHandler(dir string) (http.Handler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot serve %s: %w", dir, err)
	}
	fsys := root.FS()
	return &handler{fsys: fsys, files: http.FileServerFS(fsys)}, nil
}

// handler serves a file system, choosing precompressed variants.
type handler struct {
	fsys  fs.FS
	files http.Handler // the plain file server, for everything not precompressed
}

// ContentSecurityPolicy is the page's policy: scripts and
// styles only from the site's own files (no inline script, no style
// attribute). WebAssembly needs 'wasm-unsafe-eval'; nothing needs eval
// (the page's renderer, internal/domsync, has its JavaScript in a file,
// static/domsync.js). The experiments panel runs its trials in a worker of
// the site's own (static/experiment-worker.js): worker-src 'self'.
const ContentSecurityPolicy = "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'"

// policyPages are the HTML pages served with ContentSecurityPolicy: the
// page, the embed's frame and the sample documentation page (which show
// other sites that the embeds run under it too). Their scripts and styles
// are files of their own.
var policyPages = map[string]bool{indexPage: true, "embed.html": true, "docs-example.html": true}

// DecodedLengthHeader carries a precompressed response's size once decoded.
const DecodedLengthHeader = "X-Decoded-Content-Length"

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	name, ok := h.fileFor(r.URL.Path)
	if ok && policyPages[path.Base(name)] {
		w.Header().Set("Content-Security-Policy", ContentSecurityPolicy)
	}
	if ok && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		ctype := contentTypes[path.Ext(name)]
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		// Only a file that exists uncompressed has variants, so whether a
		// path exists does not depend on the client's Accept-Encoding.
		variants := false
		for _, enc := range encodings {
			if !isFile(h.fsys, name+enc.suffix) {
				continue
			}
			variants = true
			if accepts(r.Header.Get("Accept-Encoding"), enc.name) {
				w.Header().Add("Vary", "Accept-Encoding")
				if info, err := fs.Stat(h.fsys, name); err == nil {
					w.Header().Set(DecodedLengthHeader, strconv.FormatInt(info.Size(), 10))
				}
				h.serveVariant(w, r, name+enc.suffix, enc.name, ctype)
				return
			}
		}
		if variants {
			w.Header().Add("Vary", "Accept-Encoding")
		}
	}
	h.files.ServeHTTP(w, r)
}

// fileFor names the regular file that the file server would answer a URL
// path with: the file itself, or a directory's index.html when the path ends
// in a slash. ok is false for anything the file server redirects or refuses
// (a directory without its slash, /index.html itself, a missing file).
func (h *handler) fileFor(urlPath string) (name string, ok bool) {
	name = strings.TrimPrefix(path.Clean("/"+urlPath), "/")
	if name == "" {
		name = "."
	}
	switch {
	case strings.HasSuffix(urlPath, "/"):
		name = path.Join(name, indexPage)
	case path.Base(name) == indexPage:
		return "", false // the file server redirects it to its directory
	}
	return name, isFile(h.fsys, name)
}

// indexPage is the file a directory is served as.
const indexPage = "index.html"

// serveVariant serves a precompressed file with its Content-Encoding and the
// Content-Type of the uncompressed file.
func (h *handler) serveVariant(w http.ResponseWriter, r *http.Request, name, encoding, ctype string) {
	f, err := h.fsys.Open(name)
	if err != nil {
		http.Error(w, "cannot open "+name, http.StatusInternalServerError)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		http.Error(w, "cannot stat "+name, http.StatusInternalServerError)
		return
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	content, ok := f.(io.ReadSeeker) // files of an os.Root's FS are *os.File
	if !ok {
		http.Error(w, "cannot seek "+name, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Encoding", encoding)
	http.ServeContent(&sizedWriter{ResponseWriter: w, size: info.Size()}, r, name, info.ModTime(), content)
}

// sizedWriter gives a whole precompressed file's response its Content-Length.
// http.ServeContent leaves the length out of a 200 response whenever
// Content-Encoding is set, as it cannot tell a precompressed file from a
// writer that compresses on the fly; without it the server sends anything
// over 2 KB chunked, and a browser cannot tell how much of the wasm is left.
// Ranges (206) already carry their length, and other statuses carry no file.
type sizedWriter struct {
	http.ResponseWriter
	size        int64 // bytes in the precompressed file
	wroteHeader bool  // whether the status line has been written
}

func (s *sizedWriter) WriteHeader(code int) {
	if !s.wroteHeader && code == http.StatusOK && s.Header().Get("Content-Length") == "" {
		s.Header().Set("Content-Length", strconv.FormatInt(s.size, 10))
	}
	s.wroteHeader = true
	s.ResponseWriter.WriteHeader(code)
}

func (s *sizedWriter) Write(p []byte) (int, error) {
	if !s.wroteHeader {
		s.WriteHeader(http.StatusOK)
	}
	return s.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the server's writer.
func (s *sizedWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// isFile reports whether name is a regular file in fsys.
func isFile(fsys fs.FS, name string) bool {
	info, err := fs.Stat(fsys, name)
	return err == nil && info.Mode().IsRegular()
}

// accepts reports whether an Accept-Encoding header allows a content coding:
// named with a q-value above zero, or covered by "*" with one.
func accepts(header, coding string) bool {
	star := false
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		ok := qValue(params) > 0
		switch name {
		case coding:
			return ok
		case "*":
			star = ok
		}
	}
	return star
}

// qValue reads the q parameter of one Accept-Encoding element (1 when
// absent, 0 when malformed).
func qValue(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		k, v, found := strings.Cut(strings.TrimSpace(p), "=")
		if !found || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return 0
		}
		return q
	}
	return 1
}
