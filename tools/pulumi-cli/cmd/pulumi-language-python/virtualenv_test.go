package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/protobuf/types/known/structpb"
)

func installRequest(t *testing.T, isPlugin bool, options map[string]any) *pulumirpc.InstallDependenciesRequest {
	t.Helper()
	opts, err := structpb.NewStruct(options)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	return &pulumirpc.InstallDependenciesRequest{
		IsPlugin: isPlugin,
		Info:     &pulumirpc.ProgramInfo{RootDirectory: dir, ProgramDirectory: dir, Options: opts},
	}
}

func TestPluginsInstallIntoTheirOwnVirtualenv(t *testing.T) {
	for _, options := range []map[string]any{{}, {"toolchain": "pip"}} {
		opts, err := installOptions(installRequest(t, true, options))
		if err != nil {
			t.Fatal(err)
		}
		if opts.Virtualenv != "venv" {
			t.Errorf("plugin with options %v installs into virtualenv %q, want venv", options, opts.Virtualenv)
		}
	}
}

func TestVirtualenvsThatAreNamedAreKept(t *testing.T) {
	for _, isPlugin := range []bool{true, false} {
		opts, err := installOptions(installRequest(t, isPlugin, map[string]any{"virtualenv": "/some/env"}))
		if err != nil {
			t.Fatal(err)
		}
		if opts.Virtualenv != "/some/env" {
			t.Errorf("isPlugin=%v: virtualenv %q, want /some/env", isPlugin, opts.Virtualenv)
		}
	}
	// uv and poetry manage their own virtualenvs: no default is imposed on them.
	opts, err := installOptions(installRequest(t, true, map[string]any{"toolchain": "poetry"}))
	if err != nil {
		t.Fatal(err)
	}
	if opts.Virtualenv != "" {
		t.Errorf("poetry plugin got virtualenv %q", opts.Virtualenv)
	}
}

func TestProgramsKeepTheAmbientPythonChoice(t *testing.T) {
	opts, err := installOptions(installRequest(t, false, map[string]any{}))
	if err != nil {
		t.Fatal(err)
	}
	if opts.Virtualenv != "" {
		t.Errorf("program without virtualenv option got %q", opts.Virtualenv)
	}
}

// fakePython writes an executable that answers probeVirtualenv as a python
// at exe whose prefix differs from its base prefix or not.
func fakePython(t *testing.T, exe string, inVirtualenv bool) string {
	t.Helper()
	answer := "False"
	if inVirtualenv {
		answer = "True"
	}
	path := filepath.Join(t.TempDir(), "python3")
	script := "#!/bin/sh\nprintf '%s\\n%s\\n' '" + exe + "' " + answer + "\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil { //nolint:gosec // an executable by design
		t.Fatal(err)
	}
	return path
}

func pipWithoutVirtualenv(t *testing.T) toolchain.Toolchain {
	t.Helper()
	tc, err := toolchain.ResolveToolchain(toolchain.PythonOptions{Root: t.TempDir(), Toolchain: toolchain.Pip})
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

func TestTheSystemPythonIsRefused(t *testing.T) {
	t.Setenv("PULUMI_PYTHON_CMD", fakePython(t, "/opt/system/bin/python3", false))
	err := refuseSystemPython(context.Background(), pipWithoutVirtualenv(t))
	if err == nil {
		t.Fatal("installing into a python that is no virtualenv was not refused")
	}
	for _, want := range []string{"/opt/system/bin/python3", "runtime.options.virtualenv", "PULUMI_PYTHON_CMD"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

func TestAnAmbientVirtualenvIsAccepted(t *testing.T) {
	t.Setenv("PULUMI_PYTHON_CMD", fakePython(t, "/home/me/venv/bin/python3", true))
	if err := refuseSystemPython(context.Background(), pipWithoutVirtualenv(t)); err != nil {
		t.Fatal(err)
	}
}

func TestARealVirtualenvIsRecognised(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH")
	}
	venv := filepath.Join(t.TempDir(), "venv")
	if out, err := exec.Command(python, "-m", "venv", "--without-pip", venv).CombinedOutput(); err != nil {
		t.Fatalf("creating a virtualenv: %v: %s", err, out)
	}
	t.Setenv("PULUMI_PYTHON_CMD", filepath.Join(venv, "bin", "python"))
	if err := refuseSystemPython(context.Background(), pipWithoutVirtualenv(t)); err != nil {
		t.Fatal(err)
	}
}

func TestPipWithAVirtualenvRunsNoProbe(t *testing.T) {
	// A python that would fail the probe: it is never asked.
	t.Setenv("PULUMI_PYTHON_CMD", filepath.Join(t.TempDir(), "no-such-python"))
	tc, err := toolchain.ResolveToolchain(toolchain.PythonOptions{
		Root: t.TempDir(), Toolchain: toolchain.Pip, Virtualenv: "venv",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := refuseSystemPython(context.Background(), tc); err != nil {
		t.Fatal(err)
	}
}
