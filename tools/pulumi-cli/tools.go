//go:build tools

// Package tools records the upstream command that ensure-pulumi.sh builds, so
// that `go mod tidy` keeps its dependencies in go.mod/go.sum. The build tag
// keeps this file out of every normal build. The Python language host is the
// local package ./cmd/pulumi-language-python (see README.md for why).
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
