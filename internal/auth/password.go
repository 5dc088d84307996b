package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/singleflight"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/errorbody"
)

// PasswordConfig says how to obtain IAM tokens with a user name and
// password.
type PasswordConfig struct {
	// AuthURL is IAM's v3 base URL, e.g.
	// https://iam.ap-southeast-3.myhuaweicloud.com/v3; tokens are requested
	// with POST {AuthURL}/auth/tokens?nocatalog=true.
	AuthURL string

	UserName   string
	Password   string
	DomainName string

	// ProjectID scopes the token to a project. When empty the token is
	// scoped by project name = Region, the region's default project.
	ProjectID string
	Region    string

	// HTTPClient defaults to http.DefaultClient. Redirects are refused
	// whatever its CheckRedirect says: a password must not follow one.
	HTTPClient *http.Client
	// Do sends the token request with the client, repeating it while that
	// may help (a 429, a 5xx, a network failure that may pass); it returns
	// the last answer. Nil means one attempt with HTTPClient.
	Do        func(*http.Client, *http.Request) (*http.Response, error)
	UserAgent string
	// Now defaults to time.Now; tests inject a clock to exercise expiry.
	Now func() time.Time
}

const (
	// refreshMargin renews a token this long before IAM says it expires, so
	// a token never dies between being handed out and reaching the service.
	refreshMargin = 5 * time.Minute
	// defaultTokenLifetime is IAM's documented lifetime, assumed when the
	// response does not state an expiry.
	defaultTokenLifetime = 24 * time.Hour
	// fetchTimeout bounds a login started by a caller without a deadline.
	// A login is shared by every caller waiting for it, so it is not
	// cancelled with the caller that started it, but it ends at that
	// caller's deadline (the read's timeouts.read) at the latest.
	fetchTimeout = time.Minute
	// maxIAMResponse bounds how much of IAM's answer is read.
	maxIAMResponse = 1 << 20
)

// NewPasswordTokenSource returns a TokenSource that logs in to IAM on first
// use, caches the token until shortly before it expires, and shares one
// login among all callers that need a token at the same time.
func NewPasswordTokenSource(cfg PasswordConfig) TokenSource {
	hc := http.DefaultClient
	if cfg.HTTPClient != nil {
		hc = cfg.HTTPClient
	}
	noRedirects := *hc
	noRedirects.CheckRedirect = errorbody.RefuseRedirect
	cfg.HTTPClient = &noRedirects
	if cfg.Do == nil {
		cfg.Do = (*http.Client).Do
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &passwordTokenSource{cfg: cfg}
}

type passwordTokenSource struct {
	cfg     PasswordConfig
	flights singleflight.Group

	mu        sync.Mutex
	token     string
	expiresAt time.Time
	// projectID is the project IAM says the token is scoped to.
	projectID string
	// failure remembers a refusal that retrying cannot fix (wrong password),
	// so that later reads do not log in again and risk locking the user.
	failure error
}

func (s *passwordTokenSource) Token(ctx context.Context) (string, error) {
	if token, err, ok := s.cached(); ok {
		return token, err
	}

	for tries := 1; ; tries++ {
		results := s.flights.DoChan("token", func() (any, error) {
			// A flight that ended just before this one started may have filled
			// the cache; don't log in twice.
			if token, err, ok := s.cached(); ok {
				return token, err
			}
			fetchCtx, cancel := loginContext(ctx)
			defer cancel()
			return s.fetch(fetchCtx)
		})

		select {
		case res := <-results:
			// A login that ended at the deadline of another read that started
			// it is no answer for a read with time left: log in again.
			if res.Err != nil && errors.Is(res.Err, context.DeadlineExceeded) && ctx.Err() == nil && tries == 1 {
				continue
			}
			if res.Err != nil {
				return "", res.Err
			}
			token, _ := res.Val.(string)
			return token, nil
		case <-ctx.Done():
			return "", fmt.Errorf("waiting for an IAM token: %w", ctx.Err())
		}
	}
}

// loginContext keeps ctx's values (the log) and deadline but not its
// cancellation: other callers may be waiting for the same login.
func loginContext(ctx context.Context) (context.Context, context.CancelFunc) {
	detached := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		return context.WithDeadline(detached, deadline)
	}
	return context.WithTimeout(detached, fetchTimeout)
}

func (s *passwordTokenSource) Invalidate(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if token != "" && token == s.token {
		s.token = ""
		s.expiresAt = time.Time{}
	}
}

// ProjectScoped is implemented by token sources that learn from IAM which
// project their tokens are scoped to.
type ProjectScoped interface {
	// ProjectID returns the ID of the project the tokens are scoped to,
	// logging in first if that is needed to find out.
	ProjectID(ctx context.Context) (string, error)
}

// ProjectID is the configured project, or for a token scoped by region the
// region's default project as IAM reported it (token.project.id).
func (s *passwordTokenSource) ProjectID(ctx context.Context) (string, error) {
	if s.cfg.ProjectID != "" {
		return s.cfg.ProjectID, nil
	}
	if _, err := s.Token(ctx); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.projectID == "" {
		return "", fmt.Errorf("IAM's token response does not name the project of region %q (token.project.id); set project_id", s.cfg.Region)
	}
	return s.projectID, nil
}

// cached returns the cached token, or the remembered permanent failure; ok
// is false when a login is needed.
func (s *passwordTokenSource) cached() (token string, err error, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failure != nil {
		return "", s.failure, true
	}
	if s.token != "" && s.cfg.Now().Before(s.expiresAt.Add(-refreshMargin)) {
		return s.token, nil, true
	}
	return "", nil, false
}

// fetch logs in to IAM and caches the result.
func (s *passwordTokenSource) fetch(ctx context.Context) (string, error) {
	token, expiresAt, projectID, err := s.login(ctx)

	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		var iamErr *IAMError
		if errors.As(err, &iamErr) && iamErr.permanent() {
			s.failure = err
		}
		return "", err
	}
	s.token, s.expiresAt, s.projectID = token, expiresAt, projectID
	return token, nil
}

func (s *passwordTokenSource) login(ctx context.Context) (token string, expiresAt time.Time, projectID string, err error) {
	body, err := s.requestBody()
	if err != nil {
		return "", time.Time{}, "", err
	}
	endpoint := strings.TrimRight(s.cfg.AuthURL, "/") + "/auth/tokens?nocatalog=true"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return "", time.Time{}, "", fmt.Errorf("building the IAM token request for auth_url %q: %w", s.cfg.AuthURL, err)
	}
	req.Header.Set("Content-Type", "application/json;charset=utf8")
	if s.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", s.cfg.UserAgent)
	}

	tflog.Debug(ctx, "Requesting an IAM token", map[string]any{
		"auth_url": s.cfg.AuthURL, "user_name": s.cfg.UserName, "domain_name": s.cfg.DomainName,
		"project_id": s.cfg.ProjectID, "region": s.cfg.Region,
	})
	resp, err := s.cfg.Do(s.cfg.HTTPClient, req)
	if err != nil {
		return "", time.Time{}, "", fmt.Errorf("requesting an IAM token: no answer from IAM at %s; check auth_url (or region), "+
			"network and proxy settings (user_name and password were not refused): %w", req.URL.Host, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxIAMResponse))
	if err != nil {
		return "", time.Time{}, "", fmt.Errorf("reading IAM's token response: %w", err)
	}

	if errorbody.IsRedirect(resp.StatusCode) {
		return "", time.Time{}, "", &errorbody.RedirectError{Operation: "requesting an IAM token", StatusCode: resp.StatusCode,
			Location: resp.Header.Get("Location"), Check: "check auth_url"}
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return "", time.Time{}, "", newIAMError(resp, data, s.cfg.Password)
	}
	token = resp.Header.Get("X-Subject-Token")
	if token == "" {
		return "", time.Time{}, "", fmt.Errorf("IAM answered HTTP %d without an X-Subject-Token header; check auth_url %q points at IAM's /v3 API",
			resp.StatusCode, s.cfg.AuthURL)
	}
	expiresAt, projectID = s.expiry(ctx, data), scopedProject(data)
	tflog.Debug(ctx, "Obtained an IAM token", map[string]any{"expires_at": expiresAt.Format(time.RFC3339), "project_id": projectID})
	return token, expiresAt, projectID, nil
}

// expiry reads token.expires_at, assuming IAM's usual lifetime when it is
// missing or unreadable: a token that dies early is refetched on its 401.
func (s *passwordTokenSource) expiry(ctx context.Context, body []byte) time.Time {
	var parsed struct {
		Token struct {
			ExpiresAt string `json:"expires_at"`
		} `json:"token"`
	}
	if json.Unmarshal(body, &parsed) == nil && parsed.Token.ExpiresAt != "" {
		if t, err := time.Parse(time.RFC3339, parsed.Token.ExpiresAt); err == nil {
			return t
		}
		tflog.Warn(ctx, "IAM token expiry is not RFC 3339; assuming 24 hours", map[string]any{"expires_at": parsed.Token.ExpiresAt})
	}
	return s.cfg.Now().Add(defaultTokenLifetime)
}

// scopedProject reads token.project.id, the project the token works in.
func scopedProject(body []byte) string {
	var parsed struct {
		Token struct {
			Project struct {
				ID string `json:"id"`
			} `json:"project"`
		} `json:"token"`
	}
	_ = json.Unmarshal(body, &parsed)
	return parsed.Token.Project.ID
}

// requestBody is IAM's password-authentication request, scoped to a
// project because ServiceStage's APIs are project APIs.
func (s *passwordTokenSource) requestBody() ([]byte, error) {
	var missing []string
	for _, field := range []struct{ name, value string }{
		{"auth_url", s.cfg.AuthURL}, {"user_name", s.cfg.UserName},
		{"password", s.cfg.Password}, {"domain_name", s.cfg.DomainName},
	} {
		if field.value == "" {
			missing = append(missing, field.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("IAM password authentication needs %s", strings.Join(missing, ", "))
	}

	type named struct {
		Name string `json:"name"`
	}
	var project map[string]string
	switch {
	case s.cfg.ProjectID != "":
		project = map[string]string{"id": s.cfg.ProjectID}
	case s.cfg.Region != "":
		project = map[string]string{"name": s.cfg.Region}
	default:
		return nil, errors.New("IAM password authentication needs project_id or region to scope the token")
	}

	var req struct {
		Auth struct {
			Identity struct {
				Methods  []string `json:"methods"`
				Password struct {
					User struct {
						Name     string `json:"name"`
						Password string `json:"password"`
						Domain   named  `json:"domain"`
					} `json:"user"`
				} `json:"password"`
			} `json:"identity"`
			Scope struct {
				Project map[string]string `json:"project"`
			} `json:"scope"`
		} `json:"auth"`
	}
	req.Auth.Identity.Methods = []string{"password"}
	req.Auth.Identity.Password.User.Name = s.cfg.UserName
	req.Auth.Identity.Password.User.Password = s.cfg.Password
	req.Auth.Identity.Password.User.Domain.Name = s.cfg.DomainName
	req.Auth.Scope.Project = project

	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encoding the IAM token request: %w", err)
	}
	return body, nil
}
