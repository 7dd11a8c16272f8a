// Runs every case of manifests/argocd-health/argoproj.io/ClusterAgent/health_test.yaml
// through Argo CD's Lua runner exactly as an argocd-cm customization is run:
// the script as a resource override for argoproj.io/ClusterAgent, standard
// libraries off (the argocd-cm default for user scripts), through
// ResourceHealthOverrides.GetResourceHealth — the function Argo CD's
// application controller calls.
package argocdhealth

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/argoproj/argo-cd/gitops-engine/pkg/health"
	appv1 "github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	argolua "github.com/argoproj/argo-cd/v3/util/lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

const checkDir = "../../manifests/argocd-health/argoproj.io/ClusterAgent"

// The layout of Argo CD's resource_customizations/*/*/health_test.yaml.
type healthTests struct {
	Tests []struct {
		InputPath    string              `json:"inputPath"`
		HealthStatus health.HealthStatus `json:"healthStatus"`
	} `json:"tests"`
}

func readYAML(t *testing.T, path string, into any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestClusterAgentHealth(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(checkDir, "health.lua"))
	if err != nil {
		t.Fatal(err)
	}
	overrides := argolua.ResourceHealthOverrides{
		// The key Argo CD derives from argocd-cm's
		// resource.customizations.health.argoproj.io_ClusterAgent.
		"argoproj.io/ClusterAgent": appv1.ResourceOverride{HealthLua: string(script)},
	}
	var cases healthTests
	readYAML(t, filepath.Join(checkDir, "health_test.yaml"), &cases)
	if len(cases.Tests) == 0 {
		t.Fatal("health_test.yaml has no tests")
	}
	seen := map[string]bool{}
	for _, tc := range cases.Tests {
		seen[filepath.Clean(tc.InputPath)] = true
		t.Run(tc.InputPath, func(t *testing.T) {
			obj := map[string]any{}
			readYAML(t, filepath.Join(checkDir, tc.InputPath), &obj)
			got, err := overrides.GetResourceHealth(&unstructured.Unstructured{Object: obj})
			if err != nil {
				t.Fatalf("health script failed: %v", err)
			}
			if got == nil {
				t.Fatal("no health script matched the object's group/kind")
			}
			if got.Status != tc.HealthStatus.Status || got.Message != tc.HealthStatus.Message {
				t.Errorf("got %s %q\nwant %s %q", got.Status, got.Message,
					tc.HealthStatus.Status, tc.HealthStatus.Message)
			}
		})
	}
	// Every testdata file is a case: a file nobody asserts on is a test that was forgotten.
	files, _ := filepath.Glob(filepath.Join(checkDir, "testdata", "*.yaml"))
	for _, f := range files {
		rel, _ := filepath.Rel(checkDir, f)
		if !seen[rel] {
			t.Errorf("%s is not referenced by health_test.yaml", rel)
		}
	}
}
