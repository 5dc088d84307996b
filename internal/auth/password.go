package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
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

	// Sender refuses redirects whatever its client's CheckRedirect says: a
	// password must not follow one.
	Sender
	// Now defaults to time.Now.
	Now func() time.Time
}

// NewPasswordSource returns a Source that logs in to IAM with a user name
// and password; wrapped in a Cache, one login serves a provider's reads.
func NewPasswordSource(cfg PasswordConfig) Source {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &passwordSource{cfg: cfg, client: cfg.exchangeClient()}
}

type passwordSource struct {
	cfg    PasswordConfig
	client exchangeClient
}

func (s *passwordSource) Retrieve(ctx context.Context) (Credential, error) {
	body, err := s.requestBody()
	if err != nil {
		return Credential{}, err
	}
	tflog.Debug(ctx, "Requesting an IAM token", map[string]any{
		"auth_url": s.cfg.AuthURL, "user_name": s.cfg.UserName, "domain_name": s.cfg.DomainName,
		"project_id": s.cfg.ProjectID, "region": s.cfg.Region,
	})
	ans, err := s.client.send(ctx, request{
		method: http.MethodPost, url: strings.TrimRight(s.cfg.AuthURL, "/") + "/auth/tokens?nocatalog=true", body: body,
		what: "requesting an IAM token", check: "check auth_url (or region)", unrefused: "user_name and password were not refused",
	})
	if err != nil {
		return Credential{}, err
	}
	if !issued(ans) {
		return Credential{}, newIAMError(ans, PasswordExchange, "issue a token", passwordCheck, s.cfg.Password)
	}
	return issuedToken(ctx, ans, s.cfg.Now(), fmt.Sprintf("auth_url %q", s.cfg.AuthURL))
}

// requestBody is IAM's password-authentication request, scoped to a
// project because ServiceStage's APIs are project APIs.
func (s *passwordSource) requestBody() ([]byte, error) {
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
	project, ok := scope(s.cfg.ProjectID, s.cfg.Region)
	if !ok {
		return nil, errors.New("IAM password authentication needs project_id or region to scope the token")
	}

	type named struct {
		Name string `json:"name"`
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
