package web

// The Go code of the components, 0_components_gen.go, is generated from the
// .vugu files by vugugen (pinned as a tool in go.mod), then rewritten into
// calls of the helpers in vgbuild.go and gofmt'ed by internal/vgcompact
// (vugugen's merged output is not formatted). Run `go generate ./web/...`
// after changing a .vugu file, and commit the result.

//go:generate go tool vugugen -s -skip-go-mod -skip-main .
//go:generate go run ./internal/vgcompact 0_components_gen.go
