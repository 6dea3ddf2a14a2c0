package main

import (
	"context"
	"fmt"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
)

// pluginVirtualenv is the virtualenv of a plugin or policy pack whose manifest
// names none: "venv" next to its PulumiPlugin.yaml or PulumiPolicy.yaml.
const pluginVirtualenv = "venv"

// namesNoVirtualenv: the options leave the choice of python to pip (the pip
// toolchain, or auto, whose default is pip) with no virtualenv named.
func namesNoVirtualenv(opts toolchain.PythonOptions) bool {
	return (opts.Toolchain == toolchain.Pip || opts.Toolchain == toolchain.Auto) && opts.Virtualenv == ""
}

// installOptions are the options InstallDependencies installs with.
// Dependencies go into a virtualenv, never into the system python: a plugin's
// (or policy pack's) own, created when missing, as the upstream host does and
// as RunPlugin prefers; for a program, the one its Pulumi.yaml names or else
// the one its ambient python belongs to (refuseSystemPython checks that).
func installOptions(req *pulumirpc.InstallDependenciesRequest) (toolchain.PythonOptions, error) {
	opts, err := pythonOptions(req.GetInfo())
	if err != nil {
		return opts, err
	}
	if req.GetIsPlugin() && namesNoVirtualenv(opts) {
		opts.Virtualenv = pluginVirtualenv
	}
	return opts, nil
}

// probeVirtualenv prints the python's executable, then whether it runs in a
// virtualenv (PEP 405: its prefix differs from its base prefix).
const probeVirtualenv = "import sys; print(sys.executable); print(sys.prefix != sys.base_prefix)"

// refuseSystemPython fails when tc would install into a python that is not a
// virtualenv. Only pip without a virtualenv installs into the ambient python
// (PULUMI_PYTHON_CMD, else python3 on PATH); uv and poetry, and pip with a
// virtualenv, install into a virtualenv of their own.
func refuseSystemPython(ctx context.Context, tc toolchain.Toolchain) error {
	venv, err := tc.VirtualEnvPath(ctx)
	if err != nil || venv != "" {
		return nil //nolint:nilerr // poetry's own error is the one InstallDependencies then reports
	}
	cmd, err := tc.Command(ctx, "-c", probeVirtualenv)
	if err != nil {
		return err
	}
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("could not ask %s whether it is a virtualenv: %w", cmd.Path, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) == 2 && lines[1] == "True" {
		return nil
	}
	return fmt.Errorf("refusing to install dependencies into the system python %s: "+
		"set runtime.options.virtualenv in Pulumi.yaml (e.g. `virtualenv: venv`), "+
		"or run pulumi with a virtualenv's python first on PATH or in PULUMI_PYTHON_CMD", lines[0])
}
