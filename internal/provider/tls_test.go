package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// Acceptance tests of TLS through a private CA, as behind a TLS-inspecting
// proxy: the emulator serves HTTPS with a certificate of a CA made for the
// test, which the system does not trust. (Section 12 of the authentication
// tests; the names keep their TestAccAuth_ prefix.)

// privateCAEmulator starts an HTTPS emulator with one succeeded task and
// returns it, its URL and a file holding its CA certificate.
func privateCAEmulator(t *testing.T) (srv *emulator.Server, url, caFile string) {
	t.Helper()
	ca, err := emulator.NewTestCA()
	if err != nil {
		t.Fatal(err)
	}
	srv, _ = withTask(t)
	ts := srv.StartTLS(ca.ServerCert)
	t.Cleanup(ts.Close)
	caFile = filepath.Join(t.TempDir(), "private-ca.pem")
	if err := os.WriteFile(caFile, ca.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, ts.URL, caFile
}

// warningRecorder serves the provider and keeps the warnings its Configure
// sends to Terraform, which terraform-plugin-testing does not expose.
type warningRecorder struct {
	mu       sync.Mutex
	warnings []*tfprotov6.Diagnostic
}

type recordingServer struct {
	tfprotov6.ProviderServer
	r *warningRecorder
}

func (s recordingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	resp, err := s.ProviderServer.ConfigureProvider(ctx, req)
	if resp != nil {
		s.r.mu.Lock()
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityWarning {
				s.r.warnings = append(s.r.warnings, d)
			}
		}
		s.r.mu.Unlock()
	}
	return resp, err
}

func (r *warningRecorder) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	serve := typedstate.NewProtocol6(func() provider.Provider { return &servicestageProvider{version: "test", timing: testTiming} })
	return map[string]func() (tfprotov6.ProviderServer, error){
		"servicestage": func() (tfprotov6.ProviderServer, error) { return recordingServer{serve(), r}, nil },
	}
}

// expectWarning checks that Configure warned on attribute attr with a
// detail that contains every fragment and none of the never strings.
func (r *warningRecorder) expectWarning(attr, summary string, fragments, never []string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, d := range r.warnings {
			if d.Attribute == nil || d.Attribute.String() != `AttributeName("`+attr+`")` || d.Summary != summary {
				continue
			}
			for _, f := range fragments {
				if !strings.Contains(d.Detail, f) {
					return fmt.Errorf("warning on %s: %q lacks %q", attr, d.Detail, f)
				}
			}
			for _, n := range never {
				if strings.Contains(d.Summary+d.Detail, n) {
					return fmt.Errorf("warning on %s shows %q", attr, n)
				}
			}
			return nil
		}
		return fmt.Errorf("no warning %q on %s among %d warnings", summary, attr, len(r.warnings))
	}
}

// IAM and ServiceStage both verified with cacert_file.
func TestAccAuth_tlsWithCACertFile(t *testing.T) {
	srv, url, caFile := privateCAEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            passwordProvider(url, "project_id", testProject, "cacert_file", caFile) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(readsWith(srv, "token", 1)),
		}},
	})
}

// Not parallel: it sets the environment.
func TestAccAuth_tlsWithCACertFileFromEnv(t *testing.T) {
	srv, url, caFile := privateCAEmulator(t)
	setenv(t, "OS_CACERT", caFile)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            tokenProvider(url) + deployInfoBlock(testReleasePlan),
			ConfigStateChecks: readSucceeded(readsWith(srv, "token", 0)),
		}},
	})
}

// Without the CA the read fails at once, saying the certificate is not
// trusted and how to trust it: no retries, and no request got through.
func TestAccAuth_tlsUnknownAuthority(t *testing.T) {
	srv, url, _ := privateCAEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenProvider(url) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`TLS certificate not trusted`, `the TLS certificate of 127\.0\.0\.1:\d+ is not trusted`,
				`x509: certificate signed by unknown authority`, `cacert_file \(or the OS_CACERT environment variable\)`,
				`insecure = true \(HW_INSECURE\)`),
		}},
	})
	if n := srv.Connections(); n != 1 {
		t.Errorf("%d connections, want 1: an unknown authority must not be retried", n)
	}
	assertNoRequests(t, srv)
}

func TestAccAuth_tlsUnknownAuthorityAtIAM(t *testing.T) {
	srv, url, _ := privateCAEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: passwordProvider(url, "project_id", testProject) + deployInfoBlock(testReleasePlan),
			ExpectError: errorPattern(`TLS certificate not trusted`, `requesting an IAM token`, `certificate signed by unknown authority`,
				`cacert_file`),
		}},
	})
	if n := srv.TokensIssued(); n != 0 {
		t.Errorf("IAM issued %d tokens over an unverified connection, want 0", n)
	}
}

// insecure = true reads without verifying, and warns on insecure.
func TestAccAuth_tlsInsecure(t *testing.T) {
	srv, url, _ := privateCAEmulator(t)
	rec := &warningRecorder{}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{{
			Config: withLine(passwordProvider(url, "project_id", testProject), "insecure = true") + deployInfoBlock(testReleasePlan),
			Check: rec.expectWarning("insecure", "TLS verification is off",
				[]string{"skips verification of the server's certificate", "Use cacert_file"}, nil),
			ConfigStateChecks: readSucceeded(readsWith(srv, "token", 1)),
		}},
	})
}
