package emulator

import (
	"bytes"
	"crypto/subtle"
	"io"
	"net/http"
	"strings"
	"time"
)

// AccessKey is an AK/SK pair the emulator accepts. A non-empty
// SecurityToken makes it a temporary credential that must send it.
type AccessKey struct {
	AccessKey, SecretKey, SecurityToken string
	// Expires, when set, is when a temporary credential stops being
	// accepted (by s.Now); zero means never.
	Expires time.Time
}

// expired says whether k is past its expiry at now.
func (k AccessKey) expired(now time.Time) bool {
	return !k.Expires.IsZero() && !now.Before(k.Expires)
}

// User is an IAM user the token endpoint accepts.
type User struct {
	Name, Password, Domain string
}

type issuedToken struct {
	project string
	expires time.Time
}

// maxClockSkew is how far X-Sdk-Date may be from the server clock, as at the
// real gateway.
const maxClockSkew = 15 * time.Minute

// AddToken makes a token valid for project until expires.
func (s *Server) AddToken(token, project string, expires time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projects[project] = true
	s.tokens[token] = issuedToken{project: project, expires: expires}
}

// RevokeTokens invalidates every token, as IAM does when a user's password
// changes, so the next request with one of them is refused.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// AddAccessKey accepts requests signed with the given credentials.
func (s *Server) AddAccessKey(k AccessKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[k.AccessKey] = k
}

// AddUser lets the IAM token endpoint issue tokens to u.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.Domain+"/"+u.Name] = u
}

// authenticate checks the token or the AK/SK signature and answers 401 the
// way the API gateway does when neither holds, or 403 when a token of
// another project is used. It returns the method used.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, project string) (string, bool) {
	if token := r.Header.Get("X-Auth-Token"); token != "" {
		return "token", s.checkToken(w, token, project)
	}
	if strings.HasPrefix(r.Header.Get("Authorization"), "SDK-HMAC-SHA256 ") {
		return "aksk", s.checkSignature(w, r)
	}
	writeError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: Authorization not found in header")
	return "", false
}

func (s *Server) checkToken(w http.ResponseWriter, token, project string) bool {
	s.mu.Lock()
	t, ok := s.tokens[token]
	s.mu.Unlock()
	switch {
	case !ok:
		writeError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: decrypt token fail")
		return false
	case !s.Now().Before(t.expires):
		writeError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: token expires")
		return false
	case t.project != project:
		// A project-scoped token is valid for its own project only.
		writeError(w, http.StatusForbidden, "APIGW.0302", "The IAM user is not authorized to access the API: the token is scoped to another project")
		return false
	}
	return true
}

func (s *Server) checkSignature(w http.ResponseWriter, r *http.Request) bool {
	if err := s.checkAccessKey(r); err != nil {
		writeError(w, err.status, err.code, err.msg)
		return false
	}
	return true
}

// keyError is a refusal of an AK/SK request, in the gateway's words.
type keyError struct {
	status    int
	code, msg string
}

// checkAccessKey verifies r's AK/SK signature, a temporary key's security
// token and its expiry, in that order, as the gateway does for every API
// (IAM's own included). It leaves r.Body readable again.
func (s *Server) checkAccessKey(r *http.Request) *keyError {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return &keyError{http.StatusBadRequest, "APIGW.0201", "Request body could not be read"}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	var key AccessKey
	secretFor := func(ak string) (string, bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		k, ok := s.keys[ak]
		key = k
		return k.SecretKey, ok
	}
	now := s.Now()
	if _, sigErr := verifySDKSignature(r, body, secretFor, now, maxClockSkew); sigErr != nil {
		return &keyError{http.StatusUnauthorized, sigErr.Code, sigErr.Message}
	}
	// Temporary credentials are only valid with their security token.
	if key.SecurityToken != "" &&
		subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Security-Token")), []byte(key.SecurityToken)) != 1 {
		return &keyError{http.StatusUnauthorized, sigIAMCode, sigIAMPrefix + "the security token is missing or invalid"}
	}
	if key.expired(now) {
		return &keyError{http.StatusUnauthorized, sigIAMCode, sigIAMPrefix + "the security token has expired: temporary access key " +
			key.AccessKey + " expired at " + key.Expires.UTC().Format(time.RFC3339) + "; get a new temporary credential"}
	}
	return nil
}
