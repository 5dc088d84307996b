package auth

import (
	"encoding/json"
	"fmt"
	"time"
)

// temporaryKeys reads the answer IAM's securitytokens API and the ECS
// metadata service both give: {"credential":{"access","secret",
// "securitytoken","expires_at"}}. from names the answer, for errors.
func temporaryKeys(body []byte, from string) (Credential, error) {
	var parsed struct {
		Credential *struct {
			Access        string `json:"access"`
			Secret        string `json:"secret"`
			SecurityToken string `json:"securitytoken"`
			ExpiresAt     string `json:"expires_at"`
		} `json:"credential"`
	}
	if err := json.Unmarshal(body, &parsed); err != nil || parsed.Credential == nil {
		return Credential{}, fmt.Errorf("%s has no \"credential\" object", from)
	}
	c := parsed.Credential
	if c.Access == "" || c.Secret == "" || c.SecurityToken == "" {
		return Credential{}, fmt.Errorf("%s lacks access, secret or securitytoken", from)
	}
	expires, err := time.Parse(time.RFC3339, c.ExpiresAt)
	if err != nil {
		// Unlike a token's, a temporary key's expiry cannot be assumed.
		return Credential{}, fmt.Errorf("%s has no readable expires_at (%q)", from, c.ExpiresAt)
	}
	return Credential{Keys: KeyPair{AccessKey: c.Access, SecretKey: c.Secret, SecurityToken: c.SecurityToken}, ExpiresAt: expires}, nil
}
