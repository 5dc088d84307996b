package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// AgencyConfig says which IAM agency to act through, and how to ask.
type AgencyConfig struct {
	// AuthURL is IAM's v3 base URL; the request is
	// POST {AuthURL with /v3.0}/OS-CREDENTIAL/securitytokens.
	AuthURL string
	// AgencyName is the agency, in the account DomainName (or DomainID).
	AgencyName, DomainName, DomainID string
	Duration                         time.Duration
	// Sender's client sends the request authenticated as the caller: with
	// the credentials of the way chosen beneath the agency.
	Sender
}

// NewAgencySource returns a Source of the agency's temporary AK/SK.
func NewAgencySource(cfg AgencyConfig) Source {
	return &agencySource{cfg: cfg, client: cfg.exchangeClient()}
}

type agencySource struct {
	cfg    AgencyConfig
	client exchangeClient
}

// account names the agency's account as the user gave it.
func (s *agencySource) account() string {
	if s.cfg.DomainName != "" {
		return s.cfg.DomainName
	}
	return s.cfg.DomainID
}

func (s *agencySource) Retrieve(ctx context.Context) (Credential, error) {
	type assumeRole struct {
		AgencyName      string `json:"agency_name"`
		DomainName      string `json:"domain_name,omitempty"`
		DomainID        string `json:"domain_id,omitempty"`
		DurationSeconds int64  `json:"duration_seconds"`
	}
	var body struct {
		Auth struct {
			Identity struct {
				Methods    []string   `json:"methods"`
				AssumeRole assumeRole `json:"assume_role"`
			} `json:"identity"`
		} `json:"auth"`
	}
	body.Auth.Identity.Methods = []string{"assume_role"}
	body.Auth.Identity.AssumeRole = assumeRole{AgencyName: s.cfg.AgencyName, DomainName: s.cfg.DomainName,
		DomainID: s.cfg.DomainID, DurationSeconds: int64(s.cfg.Duration / time.Second)}
	data, err := json.Marshal(body)
	if err != nil {
		return Credential{}, fmt.Errorf("encoding the agency request: %w", err)
	}

	what := fmt.Sprintf("assuming agency %q of account %q", s.cfg.AgencyName, s.account())
	tflog.Debug(ctx, "Requesting temporary credentials of an agency", map[string]any{
		"agency_name": s.cfg.AgencyName, "domain": s.account(), "duration": s.cfg.Duration.String(),
	})
	ans, err := s.client.send(ctx, request{
		method: http.MethodPost, url: v30(s.cfg.AuthURL) + "/OS-CREDENTIAL/securitytokens", body: data,
		what: what, check: "check auth_url (or region)",
	})
	if err != nil {
		return Credential{}, err
	}
	if !issued(ans) {
		return Credential{}, newIAMError(ans, AgencyExchange,
			fmt.Sprintf("issue temporary credentials for agency %q of account %q", s.cfg.AgencyName, s.account()),
			fmt.Sprintf("the credentials beneath the agency need the IAM action iam:agencies:assume on it (or a policy "+
				"that allows assuming it), and the agency must be delegated to their account. Check assume_role's "+
				"agency_name and domain_name (the account that owns the agency), and that duration (%s) is within the "+
				"agency's maximum validity", s.cfg.Duration))
	}
	cred, err := temporaryKeys(ans.body, "IAM's answer to "+what)
	if err != nil {
		return Credential{}, err
	}
	tflog.Debug(ctx, "Obtained temporary credentials of an agency", map[string]any{
		"agency_name": s.cfg.AgencyName, "expires_at": cred.ExpiresAt.UTC().Format(time.RFC3339),
	})
	return cred, nil
}
