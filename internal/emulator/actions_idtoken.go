package emulator

import (
	"crypto/subtle"
	"net/http"
	"net/http/httptest"
	"time"
)

// What GitHub Actions' ID-token service answers when the request does not
// choose: the audience GitHub defaults to (the repository owner's URL),
// the subject of a push to main, and how long the token lives.
const (
	ActionsDefaultAudience = "https://github.com/octo-org"
	ActionsSubject         = "repo:octo-org/octo-repo:ref:refs/heads/main"
	actionsTokenLifetime   = 5 * time.Minute
	actionsIDTokenPath     = "/_apis/pipelines/1/runs/1/idtoken"
)

// StartActionsIDTokenService serves GitHub Actions' ID-token service on a
// listener of its own, as it is another host on a runner. requestURL is
// what ACTIONS_ID_TOKEN_REQUEST_URL holds (it carries a query already);
// requestToken is ACTIONS_ID_TOKEN_REQUEST_TOKEN. Its tokens come from
// MintIDToken with issuer. Close ts when done.
func (s *Server) StartActionsIDTokenService(requestToken, issuer string) (ts *httptest.Server, requestURL string) {
	ts = httptest.NewServer(s.recorded(ListenerActions, func(w http.ResponseWriter, r *http.Request) {
		s.actionsRequests.Add(1)
		s.serveActionsIDToken(w, r, requestToken, issuer)
	}))
	return ts, ts.URL + actionsIDTokenPath + "?api-version=2.0"
}

// ActionsIDTokenRequests is the number of requests the ID-token services
// started by StartActionsIDTokenService have received.
func (s *Server) ActionsIDTokenRequests() int64 { return s.actionsRequests.Load() }

func (s *Server) serveActionsIDToken(w http.ResponseWriter, r *http.Request, requestToken, issuer string) {
	switch {
	case r.URL.Path != actionsIDTokenPath:
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	case r.Method != http.MethodGet:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "Method not allowed: use GET"})
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+requestToken)) != 1 {
		writeJSON(w, http.StatusUnauthorized, map[string]string{
			"message": "Bad credentials: send Authorization: Bearer with the job's ACTIONS_ID_TOKEN_REQUEST_TOKEN"})
		return
	}
	aud := r.URL.Query().Get("audience")
	if aud == "" {
		aud = ActionsDefaultAudience
	}
	writeJSON(w, http.StatusOK, map[string]string{"value": s.MintIDToken(issuer, aud, ActionsSubject, actionsTokenLifetime)})
}
