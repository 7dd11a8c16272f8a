package main

// CredentialsReady and the credentials hash, after the operator's
// credential_sources.cpp for the supported subset: the token Secret (userpass),
// upstream's default client certificate Secret argocd-agent-client-tls and
// default CA Secret argocd-agent-ca (the agent exits without them), and Argo
// CD's redis password Secret argocd-redis (optional: a warning condition, and
// part of the hash when present).
//
// Secrets are read through the manager's client, i.e. the informer cache,
// not the API reader. The peer has to watch Secrets anyway (a rotated token
// must roll the agent, a default Secret appearing must flip
// CredentialsReady), so the cache already holds them and a read costs no
// request; the price is that every Secret of the watched namespace sits in
// the process's memory with its values, which the operator avoids (its
// Secret informer keeps only per-key digests and GETs the token when it has
// to write the creds Secret).

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

type credentials struct {
	ready   bool
	reason  string
	message string
	hash    string // pod-template annotation, when ready
	token   string // the token to copy into the creds Secret (userpass)
	// Non-empty: RedisPasswordMissing is True with this message.
	redisWarning string
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// hashParts: sha256 over label/value pairs sorted by label, length-prefixed.
func hashParts(parts map[string]string) string {
	labels := make([]string, 0, len(parts))
	for l := range parts {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	h := sha256.New()
	for _, l := range labels {
		for _, s := range []string{l, parts[l]} {
			h.Write([]byte(strconv.Itoa(len(s)) + ":"))
			h.Write([]byte(s))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func isCertificateBundle(b []byte) bool {
	n := 0
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return false
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return false
		}
		n++
	}
	return n > 0 && len(strings.TrimSpace(string(b))) == 0
}

func isPrivateKey(b []byte) bool {
	block, _ := pem.Decode(b)
	if block == nil || !strings.HasSuffix(block.Type, "PRIVATE KEY") {
		return false
	}
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		return true
	}
	if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return true
	}
	_, err := x509.ParseECPrivateKey(block.Bytes)
	return err == nil
}

func (r *Reconciler) assessCredentials(ctx context.Context, s *agentSpec) (credentials, error) {
	out := credentials{}
	notReady := func(reason, format string, args ...any) (credentials, error) {
		out.ready, out.reason, out.message = false, reason, fmt.Sprintf(format, args...)
		return out, nil
	}
	get := func(ns, name string) (*corev1.Secret, error) {
		sec := &corev1.Secret{}
		err := r.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, sec)
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return sec, err
	}
	method := "mtls"
	if s.userpass {
		method = "userpass"
	}
	parts := map[string]string{"method": method, "clusterName": s.clusterName}

	redis, err := get(s.ns, defaultRedisSecret)
	if err != nil {
		return out, err
	}
	if redis == nil || len(redis.Data[defaultRedisKey]) == 0 {
		what := "not found"
		if redis != nil {
			what = fmt.Sprintf("has no key %q", defaultRedisKey)
		}
		out.redisWarning = fmt.Sprintf("Secret %s/%s (Argo CD's redis password) %s: the agent talks to redis "+
			"without a password, which Argo CD's redis refuses (NOAUTH); set spec.redis.passwordSecretRef "+
			"if the password is elsewhere", s.ns, defaultRedisSecret, what)
	} else {
		parts["redis/"+defaultRedisKey] = sha256Hex(redis.Data[defaultRedisKey])
	}

	if s.userpass {
		if s.tokenSecret == "" {
			out.token = s.tokenInline
		} else {
			where := fmt.Sprintf("Secret %s/%s (spec.authTokenSecretRef)", s.ns, s.tokenSecret)
			tok, err := get(s.ns, s.tokenSecret)
			if err != nil {
				return out, err
			}
			if tok == nil {
				return notReady("SecretNotFound", "%s not found", where)
			}
			v, ok := tok.Data[s.tokenKey]
			if !ok {
				return notReady("SecretKeyMissing", "%s has no key %q", where, s.tokenKey)
			}
			if len(v) == 0 {
				return notReady("SecretKeyEmpty", "%s key %q is empty", where, s.tokenKey)
			}
			out.token = string(v)
		}
		parts["token"] = sha256Hex([]byte(out.token))
	}

	cert, err := get(s.argocdNamespace, defaultClientCertSecret)
	if err != nil {
		return out, err
	}
	if cert == nil {
		return notReady("ClientCertificateMissing", "Secret %s/%s not found: without spec.auth.clientCertSecretRef the "+
			"agent loads its TLS client certificate from it and exits when it is missing; create it (type "+
			"kubernetes.io/tls, keys tls.crt and tls.key) or set spec.auth.clientCertSecretRef",
			s.argocdNamespace, defaultClientCertSecret)
	}
	where := fmt.Sprintf("Secret %s/%s (the agent's default client certificate)", s.argocdNamespace, defaultClientCertSecret)
	for _, key := range []string{corev1.TLSCertKey, corev1.TLSPrivateKeyKey} {
		v, ok := cert.Data[key]
		switch {
		case !ok:
			return notReady("SecretKeyMissing", "%s has no key %q", where, key)
		case key == corev1.TLSCertKey && !isCertificateBundle(v):
			return notReady("InvalidCertificate", "%s key %q is not a PEM certificate", where, key)
		case key == corev1.TLSPrivateKeyKey && !isPrivateKey(v):
			return notReady("InvalidPrivateKey", "%s key %q is not a PEM private key", where, key)
		}
		parts["client/"+key] = sha256Hex(v)
	}

	ca, err := get(s.argocdNamespace, defaultCaSecret)
	if err != nil {
		return out, err
	}
	if ca == nil {
		return notReady("CAMissing", "Secret %s/%s not found: without spec.tls.caSecretRef or spec.tls.rootCAPath the "+
			"agent loads the CA that verifies the principal from it and exits when it is missing",
			s.argocdNamespace, defaultCaSecret)
	}
	where = fmt.Sprintf("Secret %s/%s (the agent's default CA)", s.argocdNamespace, defaultCaSecret)
	if len(ca.Data) == 0 {
		return notReady("SecretKeyMissing", "%s has no data", where)
	}
	for key, v := range ca.Data {
		if !isCertificateBundle(v) {
			return notReady("InvalidCertificate", "%s key %q is not a PEM certificate bundle (the agent reads "+
				"every key of this Secret as one)", where, key)
		}
		parts["ca/"+key] = sha256Hex(v)
	}

	out.ready = true
	out.reason = "CredentialsReady"
	out.message = "every referenced credential Secret is present and well-formed"
	out.hash = hashParts(parts)
	return out, nil
}

// secretRefIndex: the Secrets (names, in the ClusterAgent's namespace) a
// ClusterAgent reads, so a Secret event wakes exactly those.
const secretRefIndex = "peer.secretRefs"

func referencedSecrets(o client.Object) []string {
	ca, ok := o.(*ClusterAgent)
	if !ok {
		return nil
	}
	names := []string{defaultClientCertSecret, defaultCaSecret, defaultRedisSecret}
	if ca.Spec.AuthTokenSecretRef != nil && ca.Spec.AuthTokenSecretRef.Name != "" {
		names = append(names, ca.Spec.AuthTokenSecretRef.Name)
	}
	return names
}
