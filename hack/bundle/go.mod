// Build-time tool: writes manifests/bundle (OLM) from the shipped manifests.
// Its own module so the operator's C++ build never needs Go.
module clusteragent-operator/hack/bundle

go 1.22

require sigs.k8s.io/yaml v1.6.0

require go.yaml.in/yaml/v2 v2.4.2 // indirect
