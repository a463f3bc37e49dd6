package web

// The Go code of the components, 0_components_gen.go, is generated from the
// .vugu files by vugugen (pinned as a tool in go.mod), then gofmt'ed, since
// vugugen's merged output is not. Run `go generate ./web/...` after changing
// a .vugu file, and commit the result.

//go:generate go tool vugugen -s -skip-go-mod -skip-main .
//go:generate gofmt -w 0_components_gen.go
