package emulator

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// defaultTokenLifetime is IAM's: tokens live 24 hours.
const defaultTokenLifetime = 24 * time.Hour

// The IAM paths served, on the same host as ServiceStage.
const (
	iamTokensPath   = "/v3/auth/tokens"
	assumeRolePath  = "/v3.0/OS-CREDENTIAL/securitytokens"
	idTokenAuthPath = "/v3.0/OS-AUTH/id-token/tokens"
)

// tokenLifetime is how long a token issued now lives.
func (s *Server) tokenLifetime() time.Duration {
	if s.TokenLifetime > 0 {
		return s.TokenLifetime
	}
	return defaultTokenLifetime
}

// serveIAM answers IAM's paths and says whether r was one, and how its
// caller authenticated where the API asks for it.
func (s *Server) serveIAM(w http.ResponseWriter, r *http.Request) (auth string, ok bool) {
	switch r.URL.Path {
	case iamTokensPath:
		s.serveIAMTokens(w, r)
	case assumeRolePath:
		auth = s.serveAssumeRole(w, r)
	case idTokenAuthPath:
		s.serveIDTokenAuth(w, r)
	default:
		return "", false
	}
	return auth, true
}

// iamAuthRequest is the part of IAM's password-auth body the emulator reads.
type iamAuthRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password struct {
				User struct {
					Name     string `json:"name"`
					Password string `json:"password"`
					Domain   struct {
						Name string `json:"name"`
					} `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			Project struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

// AddRegionProject makes projectID the default project of region, for IAM
// scopes that name a region instead of a project ID.
func (s *Server) AddRegionProject(region, projectID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projects[projectID] = true
	s.regions[region] = projectID
}

// serveIAMTokens implements POST /v3/auth/tokens for password authentication.
func (s *Server) serveIAMTokens(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeIAMError(w, http.StatusMethodNotAllowed, "1000", "Method not allowed")
		return
	}
	var req iamAuthRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		writeIAMError(w, http.StatusBadRequest, "1000", "The request body is not valid JSON")
		return
	}
	id := req.Auth.Identity
	if len(id.Methods) != 1 || id.Methods[0] != "password" {
		writeIAMError(w, http.StatusBadRequest, "1000", "Only the password method is supported by this emulator")
		return
	}
	u := id.Password.User
	s.mu.Lock()
	known, ok := s.users[u.Domain.Name+"/"+u.Name]
	project := req.Auth.Scope.Project.ID
	if project == "" {
		project = s.regions[req.Auth.Scope.Project.Name]
	}
	knownProject := s.projects[project]
	s.mu.Unlock()

	if !ok || subtle.ConstantTimeCompare([]byte(u.Password), []byte(known.Password)) != 1 {
		writeIAMError(w, http.StatusUnauthorized, "1101", "The username or password is wrong.")
		return
	}
	if project == "" || !knownProject {
		writeIAMError(w, http.StatusBadRequest, "1000", "The project in the scope does not exist")
		return
	}
	s.tokensIssued.Add(1)
	s.issueToken(w, project, "password", map[string]any{"name": u.Name, "domain": map[string]any{"name": u.Domain.Name}})
}

// issueToken answers 201 with a new token scoped to project, as IAM does for
// every way of obtaining one; method and user say how it was obtained.
func (s *Server) issueToken(w http.ResponseWriter, project, method string, user map[string]any) {
	token := "MII" + newRequestID() + newRequestID()
	now := s.Now().UTC()
	expires := now.Add(s.tokenLifetime())
	s.AddToken(token, project, expires)

	w.Header().Set("X-Subject-Token", token)
	writeJSON(w, http.StatusCreated, map[string]any{
		"token": map[string]any{
			"methods":    []string{method},
			"expires_at": expires.Format(iamTimeLayout),
			"issued_at":  now.Format(iamTimeLayout),
			"project":    map[string]any{"id": project},
			"user":       user,
		},
	})
}

// iamTimeLayout is how IAM writes times: expires_at, issued_at.
const iamTimeLayout = "2006-01-02T15:04:05.000000Z"

// writeIAMError answers in IAM's (Keystone's) error shape.
func writeIAMError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{
		"error":      map[string]any{"code": status, "message": msg, "title": http.StatusText(status)},
		"error_code": "IAM." + code,
		"error_msg":  msg,
		"request_id": w.Header().Get("X-Request-Id"),
	})
}
