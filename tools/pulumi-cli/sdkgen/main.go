// Command sdkgen writes the TypeScript or Go SDK of a Pulumi package schema,
// with the generators of pkg/v3/codegen/nodejs and pkg/v3/codegen/go linked in
// directly. `pulumi package gen-sdk` would ask the Node.js or Go language host
// for it, and the Go module proxy here does not serve those hosts (see
// ../README.md). The Python SDK needs no such tool: the project's own Python
// language host implements GeneratePackage.
//
//	sdkgen -schema schema.json -language nodejs|go -out DIR
//
// DIR is emptied first, so that a type removed from the schema leaves no file
// behind. The schema must not depend on other packages.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// generatorName is what each generated file names as its generator.
const generatorName = "tools/pulumi-cli/sdkgen"

func main() {
	schemaPath := flag.String("schema", "", "the package schema (JSON), e.g. `pulumi package get-schema` output")
	language := flag.String("language", "", "nodejs or go")
	out := flag.String("out", "", "the directory to write the SDK into (emptied first)")
	flag.Parse()
	if *schemaPath == "" || *out == "" || flag.NArg() != 0 {
		fail(errors.New("usage: sdkgen -schema FILE -language nodejs|go -out DIR"))
	}
	if err := run(*schemaPath, *language, *out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "sdkgen: %v\n", err)
	os.Exit(1)
}

func run(schemaPath, language, out string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s is not a package schema: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noDependencies{}, schema.ValidationOptions{})
	if err != nil {
		return fmt.Errorf("binding %s: %w", schemaPath, err)
	}
	if diags.HasErrors() {
		return fmt.Errorf("%s: %s", schemaPath, diags.Error())
	}

	var files map[string][]byte
	switch language {
	case "nodejs":
		files, err = nodejs.GeneratePackage(generatorName, pkg, nil, nil, false, noDependencies{})
	case "go":
		// A packable package gets a go.mod beside its Go package: the SDK
		// directory is then a module of its own that `go build` can check.
		pkg.SupportPack = true
		files, err = gogen.GeneratePackage(generatorName, pkg, nil)
	default:
		return fmt.Errorf("-language %q: want nodejs or go (the Python SDK comes from `pulumi package gen-sdk`)", language)
	}
	if err != nil {
		return fmt.Errorf("generating the %s SDK: %w", language, err)
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	for name, data := range files {
		path := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil { //nolint:gosec // generated source
			return err
		}
	}
	return nil
}

// noDependencies is the schema loader of a package that references no other
// package: any lookup is an error that names the package asked for.
type noDependencies struct{}

func (noDependencies) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, dependencyError(name)
}

func (noDependencies) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, dependencyError(d.Name)
}

func (noDependencies) LoadPackageReference(name string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, dependencyError(name)
}

func (noDependencies) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, dependencyError(d.Name)
}

func dependencyError(name string) error {
	return fmt.Errorf("the schema references package %q; sdkgen only generates packages with no dependencies", name)
}
