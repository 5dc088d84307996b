package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/errorbody"
)

// IDTokenSource yields the OpenID Connect ID token (a JWT) that IAM
// exchanges for a token.
type IDTokenSource interface {
	IDToken(ctx context.Context) (string, error)
	// String names where the token comes from, for messages; never the token.
	String() string
	// renews reports whether each call may yield another token, so that a
	// refusal of one need not last.
	renews() bool
}

// IDTokenValue is an ID token given as it is (id_token, HW_ID_TOKEN).
func IDTokenValue(token string) IDTokenSource { return idTokenValue(token) }

type idTokenValue string

func (v idTokenValue) IDToken(context.Context) (string, error) {
	return strings.TrimSpace(string(v)), nil
}
func (idTokenValue) String() string { return "id_token" }
func (idTokenValue) renews() bool   { return false }

// IDTokenFile is an ID token in a file that its issuer rewrites (GitLab's
// id_tokens, a Kubernetes projected token): it is read at each exchange.
func IDTokenFile(path string) IDTokenSource { return idTokenFile(path) }

type idTokenFile string

func (f idTokenFile) IDToken(context.Context) (string, error) {
	data, err := os.ReadFile(string(f))
	if err != nil {
		return "", fmt.Errorf("reading the ID token from id_token_file %q: %w", string(f), err)
	}
	token := strings.TrimSpace(string(data))
	if token == "" {
		return "", fmt.Errorf("id_token_file %q is empty: the CI has not written its ID token there", string(f))
	}
	return token, nil
}
func (f idTokenFile) String() string { return fmt.Sprintf("id_token_file %q", string(f)) }
func (idTokenFile) renews() bool     { return true }

// GitHubActionsConfig says where a GitHub Actions runner hands out ID tokens.
type GitHubActionsConfig struct {
	// RequestURL and RequestToken are ACTIONS_ID_TOKEN_REQUEST_URL and
	// ACTIONS_ID_TOKEN_REQUEST_TOKEN, set for a job with id-token: write.
	RequestURL, RequestToken string
	// Audience is asked for when set (id_token_audience); it must be the
	// IAM identity provider's client ID.
	Audience string
	Sender
}

// GitHubActionsIDToken fetches an ID token from the runner for each exchange.
func GitHubActionsIDToken(cfg GitHubActionsConfig) IDTokenSource {
	return &actionsIDToken{cfg: cfg, client: cfg.exchangeClient()}
}

type actionsIDToken struct {
	cfg    GitHubActionsConfig
	client exchangeClient
}

func (a *actionsIDToken) IDToken(ctx context.Context) (string, error) {
	// The URL already carries a query string on a runner.
	u := a.cfg.RequestURL
	if a.cfg.Audience != "" {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += sep + "audience=" + url.QueryEscape(a.cfg.Audience)
	}
	ans, err := a.client.send(ctx, request{
		method: http.MethodGet, url: u,
		header: map[string]string{"Authorization": "Bearer " + a.cfg.RequestToken, "Accept": "application/json"},
		what:   "fetching an ID token from GitHub Actions", check: "check ACTIONS_ID_TOKEN_REQUEST_URL",
	})
	if err != nil {
		return "", err
	}
	if ans.status != http.StatusOK {
		f, ok := errorbody.Parse(ans.header, ans.body)
		msg := f.Message
		if !ok {
			msg = errorbody.Excerpt([]byte(maskSecrets(string(ans.body), a.cfg.RequestToken)), maxErrorSnippet)
		}
		return "", fmt.Errorf("GitHub Actions did not hand out an ID token: HTTP %d, %q; the job needs `permissions: id-token: write`",
			ans.status, maskSecrets(msg, a.cfg.RequestToken))
	}
	var parsed struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(ans.body, &parsed); err != nil || parsed.Value == "" {
		return "", errors.New("GitHub Actions answered without an ID token (no \"value\"); check ACTIONS_ID_TOKEN_REQUEST_URL")
	}
	return parsed.Value, nil
}

func (*actionsIDToken) String() string { return "GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL)" }
func (*actionsIDToken) renews() bool   { return true }

// idTokenClaims are the claims of an ID token that say whom it is for; they
// are read, not verified (IAM verifies), to word a refusal.
type idTokenClaims struct {
	Issuer   string          `json:"iss"`
	Audience json.RawMessage `json:"aud"`
	Expiry   int64           `json:"exp"`
}

// readClaims decodes a JWT's payload; ok is false when token is not a JWT.
func readClaims(token string) (idTokenClaims, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return idTokenClaims{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	var c idTokenClaims
	if err != nil || json.Unmarshal(payload, &c) != nil {
		return idTokenClaims{}, false
	}
	return c, true
}

// describe words the claims for a refusal: issuer, audience and expiry.
func (c idTokenClaims) describe(now time.Time) string {
	var aud any
	_ = json.Unmarshal(c.Audience, &aud)
	audience := fmt.Sprint(aud)
	if s, ok := aud.(string); ok {
		audience = fmt.Sprintf("%q", s)
	}
	text := fmt.Sprintf("issued by %q for audience %s", c.Issuer, audience)
	if c.Expiry > 0 {
		exp := time.Unix(c.Expiry, 0).UTC()
		text += ", expiring " + exp.Format(time.RFC3339)
		if !now.Before(exp) {
			text += " (expired)"
		}
	}
	return text
}
