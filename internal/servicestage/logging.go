package servicestage

import (
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// secretHeaders never reach a log, whatever TF_LOG says.
var secretHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"X-Auth-Token":        true,
	"X-Security-Token":    true,
	"X-Subject-Token":     true,
	"X-Metadata-Token":    true,
	"Cookie":              true,
	"Set-Cookie":          true,
}

// loggingTransport writes one debug line per HTTP exchange. Bodies are never
// logged: a deploy-info body can be large, and an IAM body carries a password.
type loggingTransport struct {
	base http.RoundTripper
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	start := time.Now()
	url := req.URL.Redacted() // once: it builds a string
	tflog.Debug(ctx, "HTTP request", map[string]any{
		"http_method":  req.Method,
		"http_url":     url,
		"http_headers": redactHeaders(req.Header),
	})
	resp, err := t.base.RoundTrip(req)
	fields := map[string]any{
		"http_method":      req.Method,
		"http_url":         url,
		"http_duration_ms": time.Since(start).Milliseconds(),
	}
	if err != nil {
		fields["error"] = err.Error()
		tflog.Debug(ctx, "HTTP request failed", fields)
		return resp, err
	}
	fields["http_status"] = resp.StatusCode
	fields["http_headers"] = redactHeaders(resp.Header)
	tflog.Debug(ctx, "HTTP response", fields)
	return resp, nil
}

// redactHeaders flattens headers for a log line with every secret masked.
func redactHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for name, values := range h {
		if secretHeaders[http.CanonicalHeaderKey(name)] {
			out[name] = "***"
			continue
		}
		out[name] = strings.Join(values, ", ")
	}
	return out
}
