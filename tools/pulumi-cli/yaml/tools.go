//go:build tools

// Package tools pins the YAML language host and the YAML converter plugin that
// ensure-pulumi.sh builds from this module, so that `go mod tidy` keeps their
// dependencies in go.mod/go.sum. The build tag keeps this file out of every
// normal build. It is a module of its own because pulumi-yaml does not build
// against the engine version of ../go.mod (see ../README.md).
package tools

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-converter-yaml"
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
)
