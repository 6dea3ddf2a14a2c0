// Command pulumi-language-python is a small, self-contained Python language
// host for the Pulumi engine, used by this repository's tooling only.
//
// Why it exists: the upstream language host lives in its own Go module
// (github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3). That
// module has no tags and the Go module proxy reachable from this project's
// machines does not serve it (every request answers 403 "This module version
// is not available"). The engine itself (pkg/v3) and the Python toolchain
// helpers (sdk/v3/python/toolchain) are served, so this host is built on top
// of them. See ../../README.md.
//
// What it implements (enough for `pulumi preview/up/refresh/destroy` of a
// Python program, dynamic providers and Python policy packs):
//
//   - Handshake, GetPluginInfo, Cancel
//   - Run: starts `<python> pulumi-language-python-exec ...` with the
//     virtualenv/toolchain from the `runtime.options` of Pulumi.yaml
//   - RunPlugin: starts a Python plugin directory; policy packs go through
//     sdk.PolicyProxy so that they see the stack, project and config
//   - GetRequiredPlugins/GetRequiredPackages: report nothing (plugins are
//     loaded lazily when a resource needs them)
//   - InstallDependencies: only ever into a virtualenv (virtualenv.go)
//   - GeneratePackage, GenerateProgram, GenerateProject: the Python generator
//     of pkg/v3/codegen/python, for `pulumi package gen-sdk`, `pulumi import`
//     and `pulumi convert` (codegen.go); Link, which adds local SDKs to a
//     program's requirements (link.go)
//   - About, GetProgramDependencies, RuntimeOptionsPrompts
//
// Pack and Template are left unimplemented.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Exit code with which pulumi-language-python-exec signals that it has
// already shown an actionable error to the user.
const bailExitCode = 32

func main() {
	flags := flag.NewFlagSet(filepath.Base(os.Args[0]), flag.ContinueOnError)
	// Flags the engine may pass to any plugin, plus the ones the upstream
	// host accepts, so that no invocation fails on an unknown flag.
	flags.String("tracing", "", "Zipkin-compatible tracing endpoint (ignored)")
	executor := flags.String("use-executor", "", "Path of the pulumi-language-python-exec script to use")
	flags.Bool("logtostderr", false, "Log to stderr (ignored)")
	flags.Bool("logflow", false, "Flow logging settings to child processes (ignored)")
	flags.Int("v", 0, "Log verbosity (ignored)")
	flags.String("root", "", "Project root directory (ignored, taken from each request)")
	flags.String("virtualenv", "", "Deprecated; set runtime.options.virtualenv in Pulumi.yaml")
	flags.String("toolchain", "", "Deprecated; set runtime.options.toolchain in Pulumi.yaml")
	flags.String("typechecker", "", "Deprecated; set runtime.options.typechecker in Pulumi.yaml")
	if err := flags.Parse(os.Args[1:]); err != nil {
		fatalf("%v", err)
	}

	exe := *executor
	if exe == "" {
		var err error
		if exe, err = findExecutor(); err != nil {
			fatalf("%v", err)
		}
	}

	host := &languageHost{executor: exe}
	if args := flags.Args(); len(args) > 0 {
		host.engineAddress = args[0]
	}

	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fatalf("could not start language host RPC server: %v", err)
	}

	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		fatalf("language host RPC stopped serving: %v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pulumi-language-python: "+format+"\n", args...)
	os.Exit(1)
}

// findExecutor returns the pulumi-language-python-exec script that sits next
// to this binary (symlinks resolved), falling back to $PATH.
func findExecutor() (string, error) {
	const name = "pulumi-language-python-exec"
	if self, err := os.Executable(); err == nil {
		if resolved, err := filepath.EvalSymlinks(self); err == nil {
			self = resolved
		}
		candidate := filepath.Join(filepath.Dir(self), name)
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("missing executor: %s must be next to pulumi-language-python or on $PATH", name)
}

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	executor string

	mu            sync.Mutex
	engineAddress string
}

func (h *languageHost) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

// pythonOptions turns a ProgramInfo (root, program dir, runtime options from
// Pulumi.yaml / PulumiPolicy.yaml) into toolchain options.
func pythonOptions(info *pulumirpc.ProgramInfo) (toolchain.PythonOptions, error) {
	if info == nil {
		return toolchain.PythonOptions{}, errors.New("request carries no program info")
	}
	opts := toolchain.PythonOptions{
		Root:       info.GetRootDirectory(),
		ProgramDir: info.GetProgramDirectory(),
		Toolchain:  toolchain.Auto,
	}
	if opts.ProgramDir == "" {
		opts.ProgramDir = opts.Root
	}
	var raw map[string]any
	if info.GetOptions() != nil {
		raw = info.GetOptions().AsMap()
	}
	str := func(key string) (string, error) {
		v, ok := raw[key]
		if !ok || v == nil {
			return "", nil
		}
		s, ok := v.(string)
		if !ok {
			return "", fmt.Errorf("runtime option %q must be a string, got %T", key, v)
		}
		return s, nil
	}

	venv, err := str("virtualenv")
	if err != nil {
		return opts, err
	}
	opts.Virtualenv = venv

	tc, err := str("toolchain")
	if err != nil {
		return opts, err
	}
	switch tc {
	case "":
		opts.Toolchain = toolchain.Auto
	case "pip":
		opts.Toolchain = toolchain.Pip
	case "poetry":
		opts.Toolchain = toolchain.Poetry
	case "uv":
		opts.Toolchain = toolchain.Uv
	default:
		return opts, fmt.Errorf("unsupported runtime option toolchain=%q (want pip, poetry or uv)", tc)
	}

	checker, err := str("typechecker")
	if err != nil {
		return opts, err
	}
	switch checker {
	case "":
		opts.Typechecker = toolchain.TypeCheckerNone
	case "mypy":
		opts.Typechecker = toolchain.TypeCheckerMypy
	case "pyright":
		opts.Typechecker = toolchain.TypeCheckerPyright
	default:
		return opts, fmt.Errorf("unsupported runtime option typechecker=%q (want mypy or pyright)", checker)
	}
	return opts, nil
}

func (h *languageHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	h.engineAddress = req.GetEngineAddress()
	h.mu.Unlock()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *languageHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// GetRequiredPlugins reports no plugins: the engine then loads provider
// plugins on demand when a resource registers them. The only provider the
// programs in this repository use is the bundled dynamic provider host.
func (h *languageHost) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *languageHost) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *languageHost) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

// withEnv returns the environment of cmd (os.Environ() if unset) plus extra.
func withEnv(cmd *exec.Cmd, extra ...string) []string {
	base := cmd.Env
	if base == nil {
		base = os.Environ()
	}
	return append(base, extra...)
}

func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	opts, err := pythonOptions(req.GetInfo())
	if err != nil {
		return nil, err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return nil, err
	}

	if opts.Typechecker != toolchain.TypeCheckerNone {
		module := "mypy"
		if opts.Typechecker == toolchain.TypeCheckerPyright {
			module = "pyright"
		}
		check, err := tc.ModuleCommand(ctx, module, opts.ProgramDir)
		if err != nil {
			return nil, err
		}
		check.Dir = opts.ProgramDir
		check.Stdout, check.Stderr = os.Stdout, os.Stderr
		if err := check.Run(); err != nil {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("%s type checking failed: %v", module, err)}, nil
		}
	}

	args := []string{h.executor}
	add := func(flag, value string) {
		if value != "" {
			args = append(args, "--"+flag, value)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engine())
	add("project", req.GetProject())
	add("root_directory", opts.Root)
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	add("dry_run", strconv.FormatBool(req.GetDryRun()))
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("organization", req.GetOrganization())
	program := req.GetInfo().GetEntryPoint()
	if program == "" {
		program = req.GetProgram() //nolint:staticcheck // older engines
	}
	if program == "" {
		program = "."
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	cmd, err := tc.Command(ctx, args...)
	if err != nil {
		return nil, err
	}
	cmd.Dir = req.GetPwd()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr

	var env []string
	if cfg := req.GetConfig(); cfg != nil {
		b, err := json.Marshal(cfg)
		if err != nil {
			return nil, fmt.Errorf("serializing config: %w", err)
		}
		env = append(env, "PULUMI_CONFIG="+string(b))
	}
	if keys := req.GetConfigSecretKeys(); keys != nil {
		b, err := json.Marshal(keys)
		if err != nil {
			return nil, fmt.Errorf("serializing config secret keys: %w", err)
		}
		env = append(env, "PULUMI_CONFIG_SECRET_KEYS="+string(b))
	}
	cmd.Env = withEnv(cmd, env...)

	logging.V(5).Infof("pulumi-language-python: running %s %s", cmd.Path, strings.Join(cmd.Args[1:], " "))
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == bailExitCode {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin runs a Python plugin directory (a policy pack or a PulumiPlugin.yaml
// provider) as `python <dir> <args...>`, i.e. its __main__.py.
//
// Policy packs (kind "analyzer", started by `pulumi preview/up --policy-pack DIR`
// with the engine address as the only argument) go through sdk.PolicyProxy, as
// with the upstream hosts: the engine talks to the proxy, which answers
// Handshake, waits for ConfigureStack, and only then is python started, with
// the stack, project, organization, dry-run flag and stack config in
// PULUMI_STACK, PULUMI_PROJECT, PULUMI_ORGANIZATION, PULUMI_DRY_RUN,
// PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS. pulumi-policy reads those (it
// configures pulumi.runtime from them before each analysis); its own
// ConfigureStack only keeps the stack tags. The proxy then reads the pack's
// port from its stdout, forwards ConfigureStack and relays every other call.
func (h *languageHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	ctx := server.Context()
	opts, err := pythonOptions(req.GetInfo())
	if err != nil {
		return err
	}
	// A plugin's own virtualenv when it has one; else, unlike the upstream
	// host, the ambient python (docs/policy.md runs the sample pack that way).
	if namesNoVirtualenv(opts) && toolchain.IsVirtualEnv(filepath.Join(opts.Root, pluginVirtualenv)) {
		opts.Virtualenv = pluginVirtualenv
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return err
	}

	isPolicyPack := req.GetKind() == string(apitype.AnalyzerPlugin)
	var args []string
	if isPolicyPack {
		// pulumi-policy writes its port with sys.stdout.buffer.write and no
		// flush: without -u (or PYTHONUNBUFFERED in the environment) the port
		// stays in python's buffer and the engine waits forever.
		args = append(args, "-u")
	}
	args = append(args, opts.ProgramDir)
	args = append(args, req.GetArgs()...)
	cmd, err := tc.Command(ctx, args...)
	if err != nil {
		return err
	}
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	env := req.GetEnv()
	var proxy *sdk.PolicyProxy
	if isPolicyPack {
		// The proxy prints its own port on the plugin's stdout (the engine
		// reads it from there) and hands back the writer python must use.
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		config, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("waiting for the engine to configure the policy pack: %w", err)
		}
		extra, err := policyPackEnv(config)
		if err != nil {
			proxy.Abort(err)
			return err
		}
		env = append(append([]string{}, env...), extra...)
	}

	cmd.Dir = req.GetPwd()
	cmd.Env = withEnv(cmd, env...)
	cmd.Stdout, cmd.Stderr = stdout, stderr

	logging.V(5).Infof("pulumi-language-python: running plugin %s %s", cmd.Path, strings.Join(cmd.Args[1:], " "))
	if proxy != nil {
		err = runPolicyPack(ctx, proxy, cmd, opts.ProgramDir)
	} else {
		err = cmd.Run()
	}

	code := 0
	if err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return err
		}
		code = exitErr.ExitCode()
	}
	if err := closer.Close(); err != nil {
		return err
	}
	return server.Send(&pulumirpc.RunPluginResponse{
		Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}, //nolint:gosec // exit codes are small
	})
}

// runPolicyPack starts cmd and lets the proxy attach to it. Attach waits for
// the process and returns its exit error, or fails earlier (the pack exited
// before printing its port, or the forwarded ConfigureStack failed); python's
// stderr has already been streamed to the engine by then.
func runPolicyPack(ctx context.Context, proxy *sdk.PolicyProxy, cmd *exec.Cmd, dir string) error {
	if err := cmd.Start(); err != nil {
		proxy.Abort(err)
		return fmt.Errorf("could not start the policy pack: %w", err)
	}
	err := proxy.Attach(ctx, cmd)
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		// Don't leave a half-attached pack behind. Attach's own goroutine
		// reaps the process; killing one that has already exited is a no-op.
		_ = cmd.Process.Kill()
		return fmt.Errorf("policy pack %s: %w", dir, err)
	}
	return err
}

// policyPackEnv turns the engine's ConfigureStack request into the variables
// pulumi-policy (and pulumi.runtime) read in a policy pack process. nil (the
// engine sent no ConfigureStack, e.g. `pulumi policy publish`) adds nothing.
func policyPackEnv(config *pulumirpc.AnalyzerStackConfigureRequest) ([]string, error) {
	if config == nil {
		return nil, nil
	}
	var env []string
	add := func(key, value string) {
		if value != "" {
			env = append(env, key+"="+value)
		}
	}
	add("PULUMI_ORGANIZATION", config.GetOrganization())
	add("PULUMI_PROJECT", config.GetProject())
	add("PULUMI_STACK", config.GetStack())
	add("PULUMI_DRY_RUN", strconv.FormatBool(config.GetDryRun()))
	if cfg := config.GetConfig(); cfg != nil {
		b, err := json.Marshal(cfg)
		if err != nil {
			return nil, fmt.Errorf("serializing stack config for the policy pack: %w", err)
		}
		add("PULUMI_CONFIG", string(b))
	}
	if keys := config.GetConfigSecretKeys(); len(keys) > 0 {
		b, err := json.Marshal(keys)
		if err != nil {
			return nil, fmt.Errorf("serializing secret config keys for the policy pack: %w", err)
		}
		add("PULUMI_CONFIG_SECRET_KEYS", string(b))
	}
	return env, nil
}

func (h *languageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	opts, err := installOptions(req)
	if err != nil {
		return err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return err
	}
	if err := refuseSystemPython(server.Context(), tc); err != nil {
		return err
	}
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()

	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetDirectory() //nolint:staticcheck // older engines
	}
	if err := tc.InstallDependencies(server.Context(), dir, req.GetUseLanguageVersionTools(),
		true /*showOutput*/, stdout, stderr); err != nil {
		return err
	}
	return closer.Close()
}

func (h *languageHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	opts, err := pythonOptions(req.GetInfo())
	if err != nil {
		return nil, err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	info, err := tc.About(ctx)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: info.PythonExecutable,
		Version:    info.PythonVersion.String(),
		Metadata:   map[string]string{"languageHost": "pulumi-twilio-trunking tools/pulumi-cli"},
	}, nil
}

func (h *languageHost) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	opts, err := pythonOptions(req.GetInfo())
	if err != nil {
		return nil, err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	deps, err := tc.ListPackages(ctx, req.GetTransitiveDependencies())
	if err != nil {
		return nil, fmt.Errorf("listing python packages: %w", err)
	}
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for _, d := range deps {
		resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: d.Name, Version: d.Version})
	}
	return resp, nil
}

// Template and Pack fall through to UnimplementedLanguageRuntimeServer
// (codes.Unimplemented).
