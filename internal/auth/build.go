package auth

import (
	"context"
	"net/http"
	"time"
)

// Env is what the credential sources need of the provider: where IAM is,
// the project and region to scope tokens to, and the clients to ask with.
type Env struct {
	// AuthURL is IAM's v3 base URL.
	AuthURL           string
	ProjectID, Region string
	// HTTPClient is the provider's shared client, without credentials:
	// its throttle, request_timeout and CA settings.
	HTTPClient *http.Client
	// Authenticated is that client sending with the credentials of p.
	Authenticated func(p Provider) *http.Client
	// MetadataClient reaches the ECS metadata service directly.
	MetadataClient *http.Client
	Do             SendFunc
	UserAgent      string
	// Now defaults to time.Now.
	Now func() time.Time
}

// sender sends with hc under the provider's retries and User-Agent.
func (e Env) sender(hc *http.Client) Sender {
	return Sender{HTTPClient: hc, Do: e.Do, UserAgent: e.UserAgent}
}

// Credentials is what a provider instance authenticates with.
type Credentials struct {
	Provider
	// ScopedProject, for a token scoped by region, asks IAM which project
	// that is; nil otherwise.
	ScopedProject func(context.Context) (string, error)
}

// Credentials builds the chosen way, with the agency on top when one is
// given. Nothing is fetched until a request needs it.
func (c Choice) Credentials(env Env) Credentials {
	if env.Now == nil {
		env.Now = time.Now
	}
	base, scoped := c.base(env)
	if c.agency == nil {
		return Credentials{Provider: base, ScopedProject: scoped}
	}
	return Credentials{Provider: NewCache(NewAgencySource(AgencyConfig{
		AuthURL: env.AuthURL, AgencyName: c.agency.name, DomainName: c.agency.domainName, DomainID: c.agency.domainID,
		Duration: c.agency.duration, Sender: env.sender(env.Authenticated(base)),
	}), env.Now)}
}

// base is the way itself, and for a token scoped by region the question
// of its project.
func (c Choice) base(env Env) (Provider, func(context.Context) (string, error)) {
	g := c.given
	switch c.Way {
	case WayToken:
		return Fixed(Credential{Token: g.get(SettingToken)}), nil
	case WayAccessKey:
		return Fixed(Credential{Keys: KeyPair{AccessKey: g.get(SettingAccessKey), SecretKey: g.get(SettingSecretKey),
			SecurityToken: g.get(SettingSecurityToken)}}), nil
	case WaySharedConfig:
		return Fixed(c.profile.Credential()), nil
	case WayPassword:
		return scopedByRegion(NewCache(NewPasswordSource(PasswordConfig{
			AuthURL: env.AuthURL, UserName: g.get(SettingUserName), Password: g.get(SettingPassword),
			DomainName: g.get(SettingDomainName), ProjectID: env.ProjectID, Region: env.Region,
			Sender: env.sender(env.HTTPClient), Now: env.Now,
		}), env.Now), env.ProjectID)
	case WayOIDC:
		return scopedByRegion(NewCache(NewOIDCSource(OIDCConfig{
			AuthURL: env.AuthURL, IdpID: g.get(SettingIdpID), ProjectID: env.ProjectID, Region: env.Region,
			IDToken: c.idToken(env), Sender: env.sender(env.HTTPClient), Now: env.Now,
		}), env.Now), env.ProjectID)
	default:
		return NewCache(NewMetadataSource(MetadataConfig{
			Endpoint: g.get(SettingMetadataEndpoint), Sender: env.sender(env.MetadataClient), Now: env.Now,
		}), env.Now), nil
	}
}

// scopedByRegion offers the token's project when no project was given.
func scopedByRegion(cache *Cache, projectID string) (Provider, func(context.Context) (string, error)) {
	if projectID != "" {
		return cache, nil
	}
	return cache, cache.ScopedProject
}

// idToken is where the ID token comes from, in the contract's order.
func (c Choice) idToken(env Env) IDTokenSource {
	g := c.given
	switch {
	case g.get(SettingIDToken) != "":
		return IDTokenValue(g.get(SettingIDToken))
	case g.get(SettingIDTokenFile) != "":
		return IDTokenFile(g.get(SettingIDTokenFile))
	}
	return GitHubActionsIDToken(GitHubActionsConfig{
		RequestURL: g.get(SettingActionsURL), RequestToken: g.get(SettingActionsToken), Audience: g.get(SettingIDTokenAudience),
		Sender: env.sender(env.HTTPClient),
	})
}
