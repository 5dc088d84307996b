package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// defaultTokenLifetime is IAM's documented lifetime, assumed when an answer
// does not state an expiry.
const defaultTokenLifetime = 24 * time.Hour

// issuedToken reads an IAM answer that issues a token: the token in
// X-Subject-Token, its expiry and project from the body. where names the
// URL setting for the error of an answer without the header.
func issuedToken(ctx context.Context, ans answer, now time.Time, where string) (Credential, error) {
	token := ans.header.Get("X-Subject-Token")
	if token == "" {
		return Credential{}, fmt.Errorf("IAM answered HTTP %d without an X-Subject-Token header; check that %s points at IAM", ans.status, where)
	}
	var parsed struct {
		Token struct {
			ExpiresAt string `json:"expires_at"`
			Project   struct {
				ID string `json:"id"`
			} `json:"project"`
		} `json:"token"`
	}
	// A body that does not parse has no expiry and no project: the defaults hold.
	_ = json.Unmarshal(ans.body, &parsed)
	cred := Credential{Token: token, ProjectID: parsed.Token.Project.ID, ExpiresAt: now.Add(defaultTokenLifetime)}
	if exp := parsed.Token.ExpiresAt; exp != "" {
		if t, err := time.Parse(time.RFC3339, exp); err == nil {
			cred.ExpiresAt = t
		} else {
			// A token that dies early is refetched on its 401.
			tflog.Warn(ctx, "IAM token expiry is not RFC 3339; assuming 24 hours", map[string]any{"expires_at": exp})
		}
	}
	tflog.Debug(ctx, "Obtained an IAM token", map[string]any{
		"expires_at": cred.ExpiresAt.UTC().Format(time.RFC3339), "project_id": cred.ProjectID,
	})
	return cred, nil
}

// issued reports an answer that issued what was asked.
func issued(ans answer) bool {
	return ans.status == http.StatusCreated || ans.status == http.StatusOK
}

// scope is the project a token is asked for: by ID, else the region's
// default project by name. ServiceStage's APIs are project APIs, so an
// unscoped token would be refused.
func scope(projectID, region string) (map[string]string, bool) {
	switch {
	case projectID != "":
		return map[string]string{"id": projectID}, true
	case region != "":
		return map[string]string{"name": region}, true
	}
	return nil, false
}
