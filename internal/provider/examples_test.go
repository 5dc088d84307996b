package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestAccExamples checks every example configuration under examples/ with
// the real Terraform (or OpenTofu) CLI against the provider built from this
// tree: `fmt -check`, and `validate`, which loads the provider's schema and
// so catches an example that names an attribute the provider lacks.
//
// Like the acceptance tests it runs only with TF_ACC set, and it uses the
// CLI at TF_ACC_TERRAFORM_PATH (else terraform on PATH).
func TestAccExamples(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to check the examples with the Terraform CLI")
	}
	t.Parallel()
	tf := terraformCLI(t)
	root := moduleRoot(t)
	dirs := exampleDirs(t, filepath.Join(root, "examples"))
	if len(dirs) == 0 {
		t.Fatal("no example configurations under examples/")
	}

	bin := t.TempDir()
	build := exec.CommandContext(t.Context(), "go", "build", "-o", filepath.Join(bin, "terraform-provider-servicestage"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+devOverridesConfig(t, bin),
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
	)

	actions, why := cliHasActions(t, tf)
	for _, dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			t.Parallel()
			if !actions && strings.HasPrefix(filepath.ToSlash(rel), "examples/actions/") {
				t.Skip(why)
			}
			// Each directory gets its own data directory, which also keeps
			// .terraform (installed modules) out of the source tree.
			dataDir := filepath.Join(t.TempDir(), "data")
			run := func(args ...string) ([]byte, error) {
				cmd := exec.CommandContext(t.Context(), tf, args...)
				cmd.Dir = dir
				cmd.Env = append(slices.Clip(env), "TF_DATA_DIR="+dataDir)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				if err != nil {
					return append(out, stderr.Bytes()...), err
				}
				return out, nil
			}

			if out, err := run("fmt", "-check", "-diff", "-no-color", "."); err != nil {
				t.Errorf("%s is not formatted (%v); run `terraform fmt -recursive examples`:\n%s", rel, err, out)
			}
			if isLocalModule(rel) {
				return // Validated as part of the example that calls it.
			}
			if callsModules(t, dir) {
				// `init -backend=false` would also ask the registry about the
				// providers, which dev_overrides does not stop and which fails
				// offline; `get` installs the modules only.
				if out, err := run("get", "-no-color"); err != nil {
					t.Fatalf("installing the modules of %s: %v\n%s", rel, err, out)
				}
			}
			out, err := run("validate", "-json", "-no-color")
			var result struct {
				Valid       bool `json:"valid"`
				Diagnostics []struct {
					Severity string `json:"severity"`
					Summary  string `json:"summary"`
					Detail   string `json:"detail"`
				} `json:"diagnostics"`
			}
			if jsonErr := json.Unmarshal(out, &result); jsonErr != nil {
				t.Fatalf("validate: %v; output:\n%s", err, out)
			}
			for _, d := range result.Diagnostics {
				if d.Summary == "Provider development overrides are in effect" {
					continue // The point of this test's CLI configuration.
				}
				t.Errorf("%s: %s\n%s", d.Severity, d.Summary, d.Detail)
			}
			if !result.Valid {
				t.Errorf("%s is not valid", rel)
			}
		})
	}
}

// terraformCLI is the CLI the acceptance tests use.
func terraformCLI(t *testing.T) string {
	t.Helper()
	if path := os.Getenv("TF_ACC_TERRAFORM_PATH"); path != "" {
		return path
	}
	path, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("no Terraform CLI: set TF_ACC_TERRAFORM_PATH or put terraform on PATH")
	}
	return path
}

// moduleRoot is the directory of this repository's go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		// The test runs in internal/provider.
		root, absErr := filepath.Abs(filepath.Join("..", ".."))
		if absErr != nil {
			t.Fatal(absErr)
		}
		return root
	}
	return filepath.Dir(gomod)
}

// exampleDirs lists, sorted, every directory under examples that holds .tf files.
func exampleDirs(t *testing.T, examples string) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(examples, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".terraform" {
			return filepath.SkipDir
		}
		if !d.IsDir() && filepath.Ext(path) == ".tf" {
			if dir := filepath.Dir(path); !slices.Contains(dirs, dir) {
				dirs = append(dirs, dir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("listing the examples: %v", err)
	}
	slices.Sort(dirs)
	return dirs
}

// isLocalModule reports whether rel lies under a modules/ directory: a
// module an example calls, not an example of its own.
func isLocalModule(rel string) bool {
	return slices.Contains(strings.Split(filepath.ToSlash(rel), "/"), "modules")
}

var moduleBlock = regexp.MustCompile(`(?m)^\s*module\s+"`)

// callsModules reports whether a configuration has a module block.
func callsModules(t *testing.T, dir string) bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if moduleBlock.Match(src) {
			return true
		}
	}
	return false
}

// devOverridesConfig writes a CLI configuration that loads the provider in
// dir for its own address and, since documentation snippets carry no
// required_providers block, for hashicorp/servicestage too; on both
// Terraform's and OpenTofu's registry.
func devOverridesConfig(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		for _, namespace := range []string{"f6c119bb", "hashicorp"} {
			fmt.Fprintf(&b, "    %s = %s\n", strconv.Quote(host+"/"+namespace+"/servicestage"), strconv.Quote(dir))
		}
	}
	b.WriteString("  }\n  direct {}\n}\n")
	path := filepath.Join(t.TempDir(), "dev.tfrc")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
