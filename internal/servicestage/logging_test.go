package servicestage

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestRedactHeaders(t *testing.T) {
	t.Parallel()
	h := http.Header{
		"Authorization":    {"SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abc"},
		"X-Auth-Token":     {"MIIauth-token"},
		"X-Security-Token": {"security-token"},
		"X-Subject-Token":  {"subject-token"},
		"Cookie":           {"session=1"},
		"Content-Type":     {"application/json;charset=utf8"},
		"X-Request-Id":     {"r1"},
		"Accept":           {"a", "b"},
	}
	// A header map built by hand may not be canonical.
	h["x-auth-token"] = []string{"lower-case-token"}
	h["proxy-authorization"] = []string{"Basic cHJveHk6c2VjcmV0"}

	got := redactHeaders(h)
	for _, name := range []string{"Authorization", "X-Auth-Token", "X-Security-Token", "X-Subject-Token", "Cookie", "x-auth-token", "proxy-authorization"} {
		if got[name] != "***" {
			t.Errorf("%s logged as %q, want ***", name, got[name])
		}
	}
	for name, want := range map[string]string{"Content-Type": "application/json;charset=utf8", "X-Request-Id": "r1", "Accept": "a, b"} {
		if got[name] != want {
			t.Errorf("%s logged as %q, want %q", name, got[name], want)
		}
	}
}

// TestLoggingTransportNeverLogsSecrets reads the debug log of one exchange.
func TestLoggingTransportNeverLogsSecrets(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Subject-Token", "subject-secret")
		w.Header().Set("X-Request-Id", "rid-42")
		_, _ = w.Write([]byte(`{"password":"body-secret"}`))
	}))
	t.Cleanup(srv.Close)

	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/v3/p", nil)
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=AK, Signature=sig-secret")
	req.Header.Set("X-Auth-Token", "token-secret")
	req.Header.Set("X-Security-Token", "security-secret")
	resp, err := (&loggingTransport{base: http.DefaultTransport}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	out := logs.String()
	for _, secret := range []string{"sig-secret", "token-secret", "security-secret", "subject-secret", "body-secret"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"HTTP request", "HTTP response", "rid-42", `"http_status":200`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
