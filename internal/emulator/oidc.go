package emulator

import (
	"net/http"
)

// IdentityProvider is an IAM identity provider of protocol OIDC and
// programmatic access: it accepts ID tokens from Issuer whose audience
// includes ClientID.
type IdentityProvider struct {
	ID, Issuer, ClientID string
}

// AddIdentityProvider makes p known to the ID-token endpoint, by its ID.
func (s *Server) AddIdentityProvider(p IdentityProvider) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.idps[p.ID] = p
}

// IDTokenExchanges is the number of ID tokens exchanged for IAM tokens.
func (s *Server) IDTokenExchanges() int64 { return s.idTokenExchanges.Load() }

// idTokenAuthRequest is the body of POST /v3.0/OS-AUTH/id-token/tokens.
type idTokenAuthRequest struct {
	Auth struct {
		IDToken struct {
			ID string `json:"id"`
		} `json:"id_token"`
		Scope *struct {
			Project *struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

// serveIDTokenAuth exchanges an OpenID Connect ID token for a token scoped
// to a project, after the checks IAM makes: the identity provider
// (X-Idp-Id), the body and its scope, then the ID token itself. Without a
// project scope IAM would issue an unscoped token, which ServiceStage
// refuses, so that is a 400 here.
func (s *Server) serveIDTokenAuth(w http.ResponseWriter, r *http.Request) {
	if notPOST(w, r) || !checkIAMContentType(w, r) {
		return
	}
	idpID := r.Header.Get("X-Idp-Id")
	if idpID == "" {
		writeIAMError(w, http.StatusBadRequest, iamInvalidParameter, "Request header X-Idp-Id is missing: name the identity provider")
		return
	}
	s.mu.Lock()
	idp, known := s.idps[idpID]
	s.mu.Unlock()
	if !known {
		writeIAMError(w, http.StatusNotFound, iamNotFound, "The identity provider "+idpID+" does not exist: check the identity provider ID (X-Idp-Id)")
		return
	}
	var req idTokenAuthRequest
	if !decodeIAMBody(w, r, &req) {
		return
	}
	if req.Auth.IDToken.ID == "" {
		writeIAMError(w, http.StatusBadRequest, iamInvalidParameter, "Request parameter auth.id_token.id is missing")
		return
	}
	scope := req.Auth.Scope
	if scope == nil || scope.Project == nil || scope.Project.ID == "" && scope.Project.Name == "" {
		writeIAMError(w, http.StatusBadRequest, iamInvalidParameter,
			"Request parameter auth.scope.project is missing: give the project's id or name, a token without one cannot call ServiceStage")
		return
	}
	s.mu.Lock()
	project := scope.Project.ID
	if project == "" {
		project = s.regions[scope.Project.Name]
	}
	knownProject := s.projects[project]
	s.mu.Unlock()
	if project == "" || !knownProject {
		writeIAMError(w, http.StatusBadRequest, iamInvalidParameter, "The project in the scope does not exist")
		return
	}

	now := s.Now()
	claims, failure := s.verifyIDToken(req.Auth.IDToken.ID, idp, now)
	if failure != "" {
		writeIAMError(w, http.StatusUnauthorized, iamUnauthenticated, failure)
		return
	}
	s.idTokenExchanges.Add(1)
	s.issueToken(w, project, "mapped", map[string]any{"name": claims.Sub, "OS-FEDERATION": map[string]any{
		"identity_provider": map[string]any{"id": idp.ID}, "protocol": map[string]any{"id": "oidc"}}})
}
