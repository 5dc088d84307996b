package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// OIDCConfig says how to exchange an OpenID Connect ID token for an IAM
// token: a CI's identity federated through an IAM identity provider.
type OIDCConfig struct {
	// AuthURL is IAM's v3 base URL; the exchange is
	// POST {AuthURL with /v3.0}/OS-AUTH/id-token/tokens.
	AuthURL string
	// IdpID is the IAM identity provider (protocol OpenID Connect).
	IdpID string
	// ProjectID scopes the token; when empty, the default project of Region.
	ProjectID, Region string
	IDToken           IDTokenSource

	Sender
	Now func() time.Time
}

// NewOIDCSource returns a Source that exchanges the ID token for a token,
// taking the ID token afresh from cfg.IDToken at each exchange.
func NewOIDCSource(cfg OIDCConfig) Source {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &oidcSource{cfg: cfg, client: cfg.exchangeClient()}
}

type oidcSource struct {
	cfg    OIDCConfig
	client exchangeClient
}

func (s *oidcSource) Retrieve(ctx context.Context) (Credential, error) {
	jwt, err := s.cfg.IDToken.IDToken(ctx)
	if err != nil {
		return Credential{}, err
	}
	claims, ok := readClaims(jwt)
	if !ok {
		return Credential{}, fmt.Errorf("the ID token from %s is not a JWT (three base64url parts separated by dots); "+
			"give the CI's OpenID Connect ID token itself", s.cfg.IDToken)
	}
	project, ok := scope(s.cfg.ProjectID, s.cfg.Region)
	if !ok {
		return Credential{}, errors.New("exchanging an OpenID Connect ID token needs project_id or region to scope the token")
	}
	var body struct {
		Auth struct {
			IDToken struct {
				ID string `json:"id"`
			} `json:"id_token"`
			Scope struct {
				Project map[string]string `json:"project"`
			} `json:"scope"`
		} `json:"auth"`
	}
	body.Auth.IDToken.ID = jwt
	body.Auth.Scope.Project = project
	data, err := json.Marshal(body)
	if err != nil {
		return Credential{}, fmt.Errorf("encoding the ID token exchange: %w", err)
	}

	tflog.Debug(ctx, "Exchanging an OpenID Connect ID token for an IAM token", map[string]any{
		"idp_id": s.cfg.IdpID, "id_token_from": s.cfg.IDToken.String(), "project_id": s.cfg.ProjectID, "region": s.cfg.Region,
	})
	ans, err := s.client.send(ctx, request{
		method: http.MethodPost, url: v30(s.cfg.AuthURL) + "/OS-AUTH/id-token/tokens", body: data,
		header: map[string]string{"X-Idp-Id": s.cfg.IdpID},
		what:   "exchanging the OpenID Connect ID token", check: "check auth_url (or region)",
		unrefused: "the ID token was not refused",
	})
	if err != nil {
		return Credential{}, err
	}
	if !issued(ans) {
		e := newIAMError(ans, IDTokenExchange,
			fmt.Sprintf("exchange the OpenID Connect ID token for a token through identity provider %q (idp_id)", s.cfg.IdpID),
			s.check(claims), jwt)
		e.inputRenews = s.cfg.IDToken.renews()
		return Credential{}, e
	}
	return issuedToken(ctx, ans, s.cfg.Now(), fmt.Sprintf("auth_url %q", s.cfg.AuthURL))
}

// check says what to look at when IAM refuses the ID token, from what the
// token says of itself.
func (s *oidcSource) check(claims idTokenClaims) string {
	return fmt.Sprintf("the ID token from %s was %s. Check idp_id, and that IAM identity provider %q (protocol OpenID Connect, "+
		"programmatic access) names that issuer as its identity provider URL and that audience as its client ID "+
		"(on GitHub Actions, id_token_audience sets the audience), that the token has not expired, and that the "+
		"provider's identity conversion rules map its claims to a user group with the ServiceStage permissions",
		s.cfg.IDToken, claims.describe(s.cfg.Now()), s.cfg.IdpID)
}
